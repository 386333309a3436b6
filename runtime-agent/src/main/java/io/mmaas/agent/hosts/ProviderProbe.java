package io.mmaas.agent.hosts;

import io.mmaas.agent.modelhost.HostProtocol;
import io.mmaas.agent.modelhost.ModelHostMain;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks a short-lived model host which execution providers this node can run ("CUDA" when the GPU build finds a
 * usable GPU), so the agent advertises its capabilities without loading ONNX Runtime (or CUDA) itself. Blocking: run
 * it on a worker, once at start.
 */
public final class ProviderProbe {
  /** What the probe found: the provider hosts will use and every provider available, best first. */
  public record Providers(String executionProvider, List<String> available) {}

  private ProviderProbe() {}

  public static Providers probe(ExecutionProviderPreference preference) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dlogback.configurationFile=logback-host.xml", "-Dmmaas.host.name=probe",
        "-cp", System.getProperty("java.class.path"), ModelHostMain.class.getName(), HostProtocol.PROBE,
        preference.name())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    process.getOutputStream().close();
    JsonObject found = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        JsonObject event = HostProtocol.parse(line);
        if (event != null && HostProtocol.PROBED.equals(event.getString(HostProtocol.EVENT))) {
          found = event;
        }
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("the execution-provider probe did not finish within 60 s");
    }
    if (found == null) {
      throw new IOException("the execution-provider probe exited with status " + process.exitValue()
          + " without an answer (is ONNX Runtime usable on this node?)");
    }
    List<String> available = found.getJsonArray("providers").stream().map(String::valueOf).toList();
    return new Providers(found.getString("executionProvider"), available);
  }
}
