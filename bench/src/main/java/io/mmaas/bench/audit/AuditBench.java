package io.mmaas.bench.audit;

import io.mmaas.bench.report.LoadAverage;
import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.AdminApi;
import io.mmaas.bench.system.ControlPlaneProcess;
import io.mmaas.bench.system.Platform;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar bench-app.jar audit [--events N] [--export N] [--requests N] [--verify-endpoint yes|no]
 * [--out DIR]} (issue #8): seeds a fresh database with N audit events (default 5,000,000) forming a valid chain with
 * signed checkpoints, starts the packaged control plane on it, measures filtered pages through the admin API, the
 * export of the first {@code --export} events (default 1,000,000) plus their offline verification, and optionally
 * the whole-chain verify endpoint; then drops the database.
 */
public final class AuditBench {
  private static final Duration SPAN = Duration.ofDays(90);

  private AuditBench() {
  }

  public static void main(String[] args) throws Exception {
    long events = 5_000_000;
    long export = 1_000_000;
    int requests = 200;
    boolean verifyEndpoint = true;
    Path out = Path.of("bench/results");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--events" -> events = Long.parseLong(args[i + 1]);
        case "--export" -> export = Long.parseLong(args[i + 1]);
        case "--requests" -> requests = Integer.parseInt(args[i + 1]);
        case "--verify-endpoint" -> verifyEndpoint = args[i + 1].equals("yes");
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    export = Math.min(export, events);
    Report report = new Report("audit", "Audit log benchmark");
    Path work = Files.createTempDirectory("mmaas-audit-bench-");
    try (LoadAverage load = new LoadAverage(); Platform p = Platform.create()) {
      Instant end = Instant.now().minus(1, ChronoUnit.HOURS);
      SyntheticEvents synthetic = new SyntheticEvents(events, end, SPAN);
      AuditSeeder.Timing t = AuditSeeder.seed(p.db, synthetic, events, 100_000, p.auditKey);
      report.line("Fresh database seeded with **%,d** events (%d tenants, %d actions, outcomes success/failure/denied, "
              + "spread over %d days) and a signed checkpoint every 100,000: COPY with the chain hashed in Java %.0f s, "
              + "index rebuild %.0f s, total %.0f s; audit_events is %s on disk.%n", events, SyntheticEvents.TENANTS,
          SyntheticEvents.ACTIONS.length, SPAN.toDays(), t.generateAndCopy(), t.indexes(), t.total(), size(p));
      report.json().put("events", events).put("seedSeconds", new JsonObject().put("copy", t.generateAndCopy())
          .put("indexes", t.indexes()).put("total", t.total()));

      ControlPlaneProcess cp = p.startControlPlane("audit-cp", Map.of());
      AdminApi admin = p.admin();
      FilteredPages.run(admin, cp.adminUrl(), FilteredPages.filters(synthetic, end, SPAN), requests, report);
      ExportAndVerify.run(p.vertx, admin, cp.adminUrl(), export, work, report);
      if (verifyEndpoint) {
        verifyEndpoint(admin, cp, report);
      }
      report.line("%nMachine: %s.", load.describe());
      report.json().put("loadAverage", load.toJson());
    } finally {
      try (var files = Files.list(work)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(work);
    }
    System.out.println("\nwritten " + report.write(out));
  }

  /** Times the whole-chain verification; a failure (e.g. the control plane running out of memory) is a result. */
  private static void verifyEndpoint(AdminApi admin, ControlPlaneProcess cp, Report report) throws Exception {
    long t = System.nanoTime();
    JsonObject verdict;
    var pending = admin.send(cp.adminUrl(), HttpMethod.GET, "/api/v1/audit-events/verify", null)
        .timeout(600, TimeUnit.SECONDS);
    while (!pending.isComplete() && cp.process().countLines("OutOfMemoryError") == 0) {
      Thread.sleep(1_000);   // a control plane out of memory never answers: stop waiting for it
    }
    if (!pending.isComplete()) {
      verdict = new JsonObject().put("failed", "the control plane ran out of memory (OutOfMemoryError in its log)");
    } else if (pending.failed()) {
      verdict = new JsonObject().put("failed", pending.cause().toString());
    } else {
      HttpResponse<Buffer> r = pending.result();
      verdict = r.statusCode() == 200 ? r.bodyAsJsonObject()
          : new JsonObject().put("status", r.statusCode()).put("body", r.bodyAsString());
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    long heapErrors = cp.process().countLines("Java heap space");
    verdict.put("controlPlaneLogLinesWithJavaHeapSpace", heapErrors);
    report.line("%n## Verify endpoint (whole chain; it has no range option)%n")
        .line("GET /api/v1/audit-events/verify (control plane heap -Xmx768m): %.1f s, %s.", seconds, verdict.encode());
    report.json().put("verifyEndpoint", new JsonObject().put("seconds", seconds).put("verdict", verdict));
  }

  private static String size(Platform p) throws Exception {
    try (Connection c = p.db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT pg_size_pretty(pg_relation_size('audit_events')), pg_size_pretty(pg_indexes_size('audit_events'))")) {
      rs.next();
      return rs.getString(1) + " + " + rs.getString(2) + " of indexes";
    }
  }
}
