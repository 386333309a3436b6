package io.mmaas.bench.audit;

import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.AdminApi;
import io.mmaas.controlplane.testing.JavaProcess;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The auditor's path for the first {@code n} events: stream them as JSON Lines from the export endpoint to a file,
 * fetch the checkpoints and the public key, then run the packaged OfflineVerifier as its own process (as an auditor
 * would, JVM start included). Checkpoints past the last exported event are left out of the verifier's input: the
 * verifier has no "up to seq" option, so with them it reports the range as a cut tail.
 */
final class ExportAndVerify {
  private ExportAndVerify() {
  }

  static void run(Vertx vertx, AdminApi admin, String adminUrl, long n, Path dir, Report report) throws Exception {
    Path events = dir.resolve("audit-events.jsonl");
    Path checkpoints = dir.resolve("audit-checkpoints.jsonl");
    Path publicKey = dir.resolve("public-key.pem");

    long t0 = System.nanoTime();
    download(vertx, admin.token(), adminUrl, "/api/v1/audit-events/export?format=jsonl&before=" + (n + 1), events);
    long t1 = System.nanoTime();
    Path allCheckpoints = dir.resolve("all-checkpoints.jsonl");
    download(vertx, admin.token(), adminUrl, "/api/v1/audit-events/checkpoints", allCheckpoints);
    int kept = keepUpTo(allCheckpoints, checkpoints, n);
    Files.writeString(publicKey, admin.get("/api/v1/audit-events/public-key").getString("pem"));
    long t2 = System.nanoTime();
    Verdict verdict = verifyOffline(events, checkpoints, publicKey);
    long t3 = System.nanoTime();

    double export = (t1 - t0) / 1e9;
    double extras = (t2 - t1) / 1e9;
    double verify = (t3 - t2) / 1e9;
    long bytes = Files.size(events);
    report.md("\n## Export and offline verification\n\n")
        .line("| step | seconds | notes |\n|---|---|---|")
        .line("| export %,d events (JSON Lines, one streamed response) | %.1f | %,d bytes, %.0f MB/s, %.0f events/s |",
            n, export, bytes, bytes / 1e6 / export, n / export)
        .line("| checkpoints + public key | %.2f | %d checkpoints up to seq %d kept |", extras, kept, n)
        .line("| OfflineVerifier (own JVM) | %.1f | exit %d: %s |", verify, verdict.exit, verdict.summary())
        .line("| **total** | **%.1f** | target < 30 s |", export + extras + verify);
    report.json().put("exportAndVerify", new JsonObject().put("events", n).put("bytes", bytes)
        .put("exportSeconds", export).put("checkpointsAndKeySeconds", extras).put("verifySeconds", verify)
        .put("totalSeconds", export + extras + verify).put("verifierExit", verdict.exit)
        .put("verdict", verdict.json));
    Files.deleteIfExists(events);
  }

  private static void download(Vertx vertx, String token, String adminUrl, String path, Path to) {
    HttpClient client = vertx.createHttpClient();
    try {
      var file = vertx.fileSystem().open(to.toString(), new OpenOptions().setWrite(true).setTruncateExisting(true))
          .await();
      client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(adminUrl + path)
              .putHeader("Authorization", "Bearer " + token).setIdleTimeout(60_000))
          .compose(req -> req.send())
          .compose(resp -> {
            if (resp.statusCode() != 200) {
              return resp.body().compose(b -> io.vertx.core.Future.failedFuture(path + ": " + resp.statusCode()
                  + " " + b));
            }
            return resp.pipeTo(file);
          })
          .await();
    } finally {
      client.close().await();
    }
  }

  private static int keepUpTo(Path from, Path to, long n) throws Exception {
    int kept = 0;
    try (BufferedReader r = Files.newBufferedReader(from, StandardCharsets.UTF_8);
         BufferedWriter w = Files.newBufferedWriter(to, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isBlank() && new JsonObject(line).getLong("seq") <= n) {
          w.write(line);
          w.newLine();
          kept++;
        }
      }
    }
    return kept;
  }

  private record Verdict(int exit, JsonObject json) {
    String summary() {
      return json == null ? "no verdict" : "valid=" + json.getBoolean("valid") + ", checked "
          + json.getLong("checked") + ", anchored to seq " + json.getLong("anchoredSeq");
    }
  }

  private static Verdict verifyOffline(Path events, Path checkpoints, Path key) throws Exception {
    Path jar = JavaProcess.repoRoot().resolve("control-plane/target/control-plane-app.jar");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", jar.toString(), "io.mmaas.controlplane.audit.OfflineVerifier", events.toString(),
        checkpoints.toString(), key.toString()));
    Path out = events.resolveSibling("verifier.out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("OfflineVerifier did not finish within 300 s");
    }
    String text = Files.readString(out);
    int brace = text.indexOf('{');
    return new Verdict(p.exitValue(), brace < 0 ? null : new JsonObject(text.substring(brace)));
  }
}
