package io.mmaas.bench.system;

import io.mmaas.controlplane.testing.JavaProcess;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One packaged control-plane process and the three URLs it logged when ready (null for a listener its roles lack). */
public record ControlPlaneProcess(JavaProcess process, String adminUrl, String gatewayUrl, String agentApiUrl) {

  static ControlPlaneProcess start(String name, Map<String, String> env) throws Exception {
    JavaProcess p = JavaProcess.start(name, "control-plane", "768m", Platform.PROCESS_LOGS, env);
    String ports = p.awaitLog("control plane ready: (admin API .*)", Duration.ofSeconds(90));
    Matcher m = Pattern.compile("admin API (\\S+) · gateway (\\S+) · internal \\(agent API, metrics\\) (\\S+)")
        .matcher(ports);
    if (!m.find()) {
      throw new IllegalStateException("unexpected ready line: " + ports);
    }
    String[] urls = new String[3];
    for (int i = 0; i < 3; i++) {
      String url = m.group(i + 1);
      urls[i] = "-".equals(url) ? null : "http://127.0.0.1:" + url.substring(url.lastIndexOf(':') + 1);
    }
    return new ControlPlaneProcess(p, urls[0], urls[1], urls[2]);
  }

  /** The gateway's port, for the load generator. */
  public int gatewayPort() {
    return Integer.parseInt(gatewayUrl.substring(gatewayUrl.lastIndexOf(':') + 1));
  }
}
