package io.mmaas.console.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.app.ConsoleConfig;
import io.mmaas.console.app.ConsoleVerticle;
import io.mmaas.console.support.Browser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long each console page takes to answer (console plus admin API plus PostgreSQL, measured at the console's
 * socket on this machine) with 10,000 API keys and 1,000,000 audit events in the database. Starts the packaged
 * control plane on a fresh database, seeds it with SQL, runs the console in-process, and writes p50/p95/max per page
 * to {@code web-console/bench/results/page-times.md}. Not part of the default build; run it with
 * {@code mvn -pl web-console test -Dconsole.test.groups=benchmark -Dconsole.test.excludedGroups=none} after
 * {@code mvn install -DskipTests} (it needs control-plane/target/control-plane-app.jar and PostgreSQL on 127.0.0.1).
 */
@Tag("benchmark")
@DisplayName("Benchmark: every page answers in under 100 ms with 10,000 keys and 1,000,000 audit events")
class PageTimesBenchmarkTest {
  static final int KEYS = 10_000;
  static final int EVENTS = 1_000_000;
  static final int WARMUP = 10;
  static final int RUNS = 50;
  static final String PASSWORD = "bench-admin-password-123";

  @Test
  @DisplayName("Each page's server time is measured and written to bench/results")
  void measure() throws Exception {
    Path root = Path.of(System.getProperty("mmaas.repo.root", "..")).toAbsolutePath().normalize();
    String pg = System.getProperty("mmaas.test.pg", "");
    String server = pg.isBlank() ? "postgresql://postgres@127.0.0.1:5432" : pg.replaceAll("/[^/]*$", "");
    String dbName = "mmaas_console_bench_" + System.nanoTime();
    String jdbcServer = "jdbc:" + server.replace("postgresql://postgres@", "postgresql://") + "/postgres?user=postgres";
    try (Connection c = DriverManager.getConnection(jdbcServer); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + dbName);
    }
    Process cp = null;
    Vertx vertx = Vertx.vertx();
    try {
      Path log = Files.createTempFile("bench-control-plane", ".log");
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx512m", "-jar", root.resolve("control-plane/target/control-plane-app.jar").toString())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("MMAAS_"));
      pb.environment().putAll(Map.of("MMAAS_DATABASE_URL", server + "/" + dbName, "MMAAS_ADMIN_PORT", "0",
          "MMAAS_GATEWAY_PORT", "0", "MMAAS_AGENT_API_PORT", "0",
          "MMAAS_JWT_SECRET", "bench-jwt-secret-0123456789abcdef0123456789",
          "MMAAS_AGENT_SERVING_SECRET", "bench-agent-secret-0123456789abcdef012345",
          "MMAAS_ADMIN_PASSWORD", PASSWORD, "MMAAS_DATA_DIR", Files.createTempDirectory("bench-cp").toString()));
      cp = pb.start();
      String adminUrl = "http://127.0.0.1:" + awaitLog(log, "control plane ready: admin API http://127.0.0.1:(\\d+)");

      WebClient http = WebClient.create(vertx);
      String token = http.postAbs(adminUrl + "/api/v1/auth/login").sendJsonObject(new JsonObject()
          .put("username", "admin").put("password", PASSWORD)).await().bodyAsJsonObject().getString("token");
      String tenantId = http.postAbs(adminUrl + "/api/v1/tenants").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("name", "bench")).await().bodyAsJsonObject().getString("id");
      http.postAbs(adminUrl + "/api/v1/tenants/bench/models").bearerTokenAuthentication(token)
          .sendJsonObject(new JsonObject().put("name", "scorer")).await();
      long seedStarted = System.nanoTime();
      seed(server, dbName, tenantId);
      long seedMs = (System.nanoTime() - seedStarted) / 1_000_000;

      ConsoleVerticle console = new ConsoleVerticle(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_PORT", "0",
          "MMAAS_CONSOLE_API_URL", adminUrl)));
      vertx.deployVerticle(console).await();
      Browser browser = new Browser(WebClient.create(vertx, new WebClientOptions().setUserAgentEnabled(false)
          .setFollowRedirects(false)), console.port());
      assertThat(browser.signIn("admin", PASSWORD).await().status()).isEqualTo(303);
      String deepKeys = cursor(browser.get("/tenants/bench/api-keys").await().body());

      List<String> pages = List.of("/", "/tenants", "/users", "/agents", "/tenants/bench/api-keys",
          "/tenants/bench/api-keys?after=" + deepKeys, "/tenants/bench/models", "/tenants/bench/models/scorer",
          "/tenants/bench/deployments", "/tenants/bench/playground", "/tenants/bench/users", "/audit",
          "/audit?before=500000", "/audit?action=api_key.revoke", "/audit?outcome=denied",
          "/audit?tenantId=" + tenantId + "&action=model.create", "/audit?actorId=u-42", "/account/password",
          "/tenants/bench/usage", "/tenants/bench/usage?range=7d", "/tenants/bench/usage?range=30d");
      StringBuilder out = new StringBuilder("# Console page times\n\n")
          .append("Measured ").append(Instant.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
          .append(" CPUs: ").append(KEYS).append(" API keys in the tenant, ").append(EVENTS)
          .append(" audit events (seeded in ").append(seedMs).append(" ms). Time from request to full response at the ")
          .append("console (console + admin API + PostgreSQL), ").append(RUNS).append(" runs after ").append(WARMUP)
          .append(" warm-up runs, one request at a time.\n\n| page | status | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|\n");
      for (String page : pages) {
        int status = 0;
        for (int i = 0; i < WARMUP; i++) {
          status = browser.get(page).await().status();
        }
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
          long t = System.nanoTime();
          browser.get(page).await();
          ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        out.append(String.format("| `%s` | %d | %.1f | %.1f | %.1f |%n", page.length() > 70 ? page.substring(0, 70)
            + "…" : page, status, ms[RUNS / 2], ms[(int) (RUNS * 0.95) - 1], ms[RUNS - 1]));
      }
      Path results = root.resolve("web-console/bench/results");
      Files.createDirectories(results);
      Files.writeString(results.resolve("page-times.md"), out.toString(), StandardCharsets.UTF_8);
      System.out.println(out);
    } finally {
      vertx.close().await();
      if (cp != null) {
        cp.destroy();
        cp.waitFor(10, TimeUnit.SECONDS);
      }
      try (Connection c = DriverManager.getConnection(jdbcServer); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + dbName + " WITH (FORCE)");
      }
    }
  }

  private static void seed(String server, String db, String tenantId) throws Exception {
    String jdbc = "jdbc:" + server.replace("postgresql://postgres@", "postgresql://") + "/" + db + "?user=postgres";
    try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
      s.execute("INSERT INTO api_keys (id, tenant_id, key_id, name, prefix, secret_hash, scopes, created_at) "
          + "SELECT gen_random_uuid(), '" + tenantId + "', 'bench' || g, 'key ' || g, 'mmaas_b' || g, "
          + "'\\x00'::bytea, ARRAY['infer'], now() - g * interval '1 second' FROM generate_series(1, " + KEYS + ") g");
      s.execute("INSERT INTO audit_events (seq, id, occurred_at, actor_type, actor_id, actor_name, tenant_id, action, "
          + "target_type, target_id, outcome, source_ip, user_agent, request_id, details, prev_hash, hash) "
          + "SELECT 1000000 + g, gen_random_uuid(), now() - (" + EVENTS + " - g) * interval '1 second', 'user', "
          + "'u-' || (g % 100), 'bench-user', CASE WHEN g % 2 = 0 THEN '" + tenantId + "'::uuid END, "
          + "(ARRAY['api_key.create','api_key.revoke','model.create','deployment.create','auth.login'])[1 + g % 5], "
          + "'api_key', 'k' || g, (ARRAY['success','success','success','failure','denied'])[1 + g % 5], "
          + "'10.0.0.1', 'bench', 'req-' || g, '{}', 'x', 'y' FROM generate_series(1, " + EVENTS + ") g");
      // 30 days of per-minute usage for the usage page's charts
      s.execute("INSERT INTO usage_minutes (tenant_id, api_key_id, model_id, version_id, minute, requests, "
          + "errors_client, throttled, errors_server, bytes_in, bytes_out, compute_ms) SELECT '" + tenantId + "', "
          + "'00000000-0000-0000-0000-000000000000', (SELECT id FROM models WHERE name = 'scorer'), "
          + "'00000000-0000-0000-0000-000000000000', date_trunc('minute', now()) - g * interval '1 minute', "
          + "100 + g % 50, g % 3, g % 5, g % 7, 10000, 20000, 300 FROM generate_series(0, 43199) g");
      s.execute("ANALYZE");
    }
  }

  private static String cursor(String keysPage) {
    Matcher m = Pattern.compile("href=\"/tenants/bench/api-keys\\?after=([^\"]+)\"").matcher(keysPage);
    assertThat(m.find()).as("a next page of keys").isTrue();
    return m.group(1);
  }

  private static String awaitLog(Path log, String regex) throws IOException, InterruptedException {
    Pattern p = Pattern.compile(regex);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (Instant.now().isBefore(deadline)) {
      Matcher m = p.matcher(Files.readString(log));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the control plane did not start:\n" + Files.readString(log));
  }

}
