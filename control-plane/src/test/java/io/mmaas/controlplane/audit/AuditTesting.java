package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Blocking helpers shared by the audit tests: superuser SQL, exports to files, the offline verdict. */
final class AuditTesting {
  private AuditTesting() {
  }

  /** Runs statements as the superuser with triggers off (what an attacker with full control of the server can do). */
  static void tamper(ControlPlaneFixture cp, String... statements) throws Exception {
    try (Connection c = cp.db.connect(); Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  static long scalar(ControlPlaneFixture cp, String sql) {
    try (Connection c = cp.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String text(ControlPlaneFixture cp, String sql) {
    try (Connection c = cp.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long head(ControlPlaneFixture cp) {
    return scalar(cp, "SELECT coalesce(max(seq), 0) FROM audit_events");
  }

  /** A pool of the test's own on the fixture's database (as the superuser). */
  static Pool pool(ControlPlaneFixture cp) {
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
        .connectingTo(PgConnectOptions.fromUri(cp.db.url())).using(cp.vertx).build();
  }

  static HttpResponse<Buffer> getRaw(ControlPlaneFixture cp, String token, String path) {
    HttpResponse<Buffer> r = cp.client.getAbs(cp.adminUrl() + path).bearerTokenAuthentication(token).send().await();
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " -> " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r;
  }

  /** Exports events and checkpoints through the API and runs the offline verifier on the files, as an auditor would. */
  static JsonObject offlineVerdict(ControlPlaneFixture cp, String token) throws Exception {
    Path dir = Files.createTempDirectory("audit-offline-");
    Path events = dir.resolve("events.jsonl");
    Path checkpoints = dir.resolve("checkpoints.jsonl");
    Path key = dir.resolve("public-key.pem");
    Files.write(events, bytes(getRaw(cp, token, "/api/v1/audit-events/export?format=jsonl")));
    Files.write(checkpoints, bytes(getRaw(cp, token, "/api/v1/audit-events/checkpoints")));
    Files.writeString(key, cp.get(token, "/api/v1/audit-events/public-key").getString("pem"), StandardCharsets.US_ASCII);
    var out = new java.io.ByteArrayOutputStream();
    int code = OfflineVerifier.run(new String[] {events.toString(), checkpoints.toString(), key.toString()},
        new java.io.PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    JsonObject verdict = new JsonObject(out.toString(StandardCharsets.UTF_8));
    if ((code == 0) != verdict.getBoolean("valid")) {
      throw new AssertionError("exit code " + code + " disagrees with " + verdict);
    }
    return verdict;
  }

  static void await(BooleanSupplier condition, Duration timeout) {
    Instant end = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("condition not met within " + timeout);
      }
      try {
        Thread.sleep(20);   // polling interval while waiting for a condition, not a fixed wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static List<String> lines(HttpResponse<Buffer> r) {
    return new String(bytes(r), StandardCharsets.UTF_8).lines().toList();
  }

  /** The body's bytes; an empty streamed body arrives as null. */
  static byte[] bytes(HttpResponse<Buffer> r) {
    return r.body() == null ? new byte[0] : r.body().getBytes();
  }
}
