package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.JavaProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as a newcomer without PostgreSQL runs it: {@code deploy/local/up.sh} with the machine's
 * PostgreSQL ignored ({@code MMAAS_LOCAL_DB=embedded}), every listener on a free port and its own state folder, so
 * that it disturbs nothing else on the machine; then {@code down.sh}. Uses the jars the build packaged
 * ({@code --no-build}).
 */
@DisplayName("System: up.sh on an embedded PostgreSQL serves the demo model through the gateway, down.sh stops it all")
class LocalStartSystemTest {
  private static final Path LOGS = JavaProcess.repoRoot().resolve("system-tests/target/process-logs");

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  @DisplayName("up.sh starts an embedded PostgreSQL of its own, the demo model answers, down.sh stops every process")
  void upAndDown(@TempDir Path state) throws Exception {
    List<Integer> ports = freePorts(7);
    Map<String, String> env = Map.of(
        "MMAAS_STATE_DIR", state.toString(), "MMAAS_LOCAL_DB", "embedded",
        "MMAAS_ADMIN_PORT", ports.get(0).toString(), "MMAAS_GATEWAY_PORT", ports.get(1).toString(),
        "MMAAS_AGENT_API_PORT", ports.get(2).toString(), "MMAAS_CONSOLE_PORT", ports.get(3).toString(),
        "MMAAS_AGENT_PORT", ports.get(4).toString(), "MMAAS_EMBEDDED_PG_PORT", ports.get(5).toString(),
        "MMAAS_LOCAL_GATEWAY_METRICS_PORT", ports.get(6).toString());
    int gatewayPort = ports.get(1);
    int pgPort = ports.get(5);
    boolean started = false;
    try {
      String up = script("up", env, 150, "deploy/local/up.sh", "--no-build");
      started = true;
      assertThat(up).contains("==> PostgreSQL: embedded")
          .contains("PostgreSQL      postgresql://postgres@127.0.0.1:" + pgPort + "/mmaas")
          .doesNotContain("127.0.0.1:5432");
      assertThat(state.resolve("embedded-pg/data/PG_VERSION")).content().startsWith("15");

      String key = Files.readString(state.resolve("demo-api-key")).trim();
      HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + gatewayPort + "/v2/models/demo-mlp/infer"))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[5.1,3.5,1.4,0.2]}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      JsonObject output = new JsonObject(answer.body()).getJsonArray("outputs").getJsonObject(0);
      assertThat(output.getJsonArray("shape").getList()).containsExactly(1, 3);
      assertThat(output.getJsonArray("data")).hasSize(3);

      // the control plane's state is on that server: the demo tenant is a row of its mmaas database
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort + "/mmaas", "postgres",
              null);
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM tenants")) {
        List<String> tenants = new ArrayList<>();
        while (rs.next()) {
          tenants.add(rs.getString(1));
        }
        assertThat(tenants).contains("demo");
      }
    } finally {
      String down = script("down", env, 90, "deploy/local/down.sh");
      // the gateway is a process of its own (the data plane outlives the admin side); when up.sh failed, its own
      // failure is the one to report, not that down.sh had less to stop
      if (started) {
        assertThat(down).contains("stopped control-plane").contains("stopped gateway").contains("stopped embedded-pg");
      }
    }
    for (int port : ports) {
      assertThat(listening(port)).as("something still listens on " + port + " after down.sh").isFalse();
    }
    assertThat(state.resolve("embedded-pg/data/postmaster.pid")).doesNotExist();
    assertThat(state.resolve("embedded-pg/data/PG_VERSION")).exists();
  }

  /** Runs a script of the repository with {@code env} (inherited MMAAS_* variables removed); its output. */
  private static String script(String name, Map<String, String> env, int seconds, String... command)
      throws Exception {
    Files.createDirectories(LOGS);
    Path log = LOGS.resolve("local-start-" + name + ".log");
    List<String> cmd = new ArrayList<>(List.of("bash"));
    cmd.add(JavaProcess.repoRoot().resolve(command[0]).toString());
    cmd.addAll(List.of(command).subList(1, command.length));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(JavaProcess.repoRoot().toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MMAAS_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish within " + seconds + " s; see " + log);
    }
    String out = Files.readString(log);
    assertThat(p.exitValue()).as(name + " exit status; output:\n" + out).isZero();
    return out;
  }

  private static List<Integer> freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
