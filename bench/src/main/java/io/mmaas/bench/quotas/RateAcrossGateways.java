package io.mmaas.bench.quotas;

import io.mmaas.bench.load.ClosedLoop;
import io.mmaas.bench.load.LoadResult;
import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.ControlPlaneProcess;
import io.mmaas.bench.system.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Case a: one tenant limited to {@value #RATE} requests/s (burst {@value #RATE}), {@value #CLIENTS} closed-loop
 * clients split evenly across two gateway replicas. The cluster should admit at most rate·T + burst (each replica
 * enforces rate/N, burst/N). While it runs, the live-replica count N the gateways see is sampled from
 * gateway_members, since a replica that counts itself alone enforces the whole rate.
 */
final class RateAcrossGateways {
  static final int RATE = 100;
  private static final int CLIENTS = 200;

  private RateAcrossGateways() {
  }

  static void run(Platform p, Report report, double seconds) throws Exception {
    ServedModel served = ServedModel.create(p, "rate", new JsonObject().put("requestsPerSecond", RATE)
        .put("burst", RATE).put("concurrentRequests", 10_000).put("requestsPerDay", 1_000_000_000L));
    Thread.sleep(3_000);   // let both buckets refill after the readiness calls
    ControlPlaneProcess cp1 = p.controlPlanes.get(0);
    ControlPlaneProcess cp2 = p.controlPlanes.get(1);
    List<LoadResult> r;
    try (MembershipSampler members = new MembershipSampler(p.db)) {
      r = ClosedLoop.run(p.vertx, List.of(served.viaGateway("gateway 1", cp1), served.viaGateway("gateway 2", cp2)),
          CLIENTS / 2, seconds);
      report.json().put("a_membership", members.toJson());
    }
    double total = (r.get(0).ok() + r.get(1).ok()) / r.get(0).seconds();
    double bound = (RATE * r.get(0).seconds() + RATE) / r.get(0).seconds();
    report.json().put("a_rate", new JsonObject().put("limitPerSecond", RATE).put("burst", RATE)
        .put("clients", CLIENTS).put("admittedPerSecond", Math.round(total * 100) / 100.0)
        .put("overLimitPercent", Math.round((total / RATE - 1) * 1000) / 10.0)
        .put("designBoundPerSecond", Math.round(bound * 100) / 100.0)
        .put("gateways", new JsonArray().add(r.get(0).toJson()).add(r.get(1).toJson())));
    report.md("\n## a. Rate limit across two gateway replicas\n\n")
        .line("Tenant limited to %d requests/s, burst %d; %d closed-loop clients (%d per gateway), %.0f s, no "
            + "warm-up (buckets start full).%n", RATE, RATE, CLIENTS, CLIENTS / 2, r.get(0).seconds())
        .md("| gateway | admitted (200) | admitted/s | 429 | other | 200 p50 µs | 200 p99 µs |\n|---|---|---|---|---|---|---|\n");
    for (LoadResult g : r) {
      report.line("| %s | %d | %.1f | %d | %d | %.0f | %.0f |", g.name(), g.ok(), g.okPerSec(),
          g.statuses().getOrDefault(429, 0L), g.total() - g.ok() - g.statuses().getOrDefault(429, 0L), g.p50(), g.p99());
    }
    report.line("| **both** | %d | **%.1f** (%+.1f %% vs %d/s; design bound %.1f/s) | | | | |%n",
        r.get(0).ok() + r.get(1).ok(), total, (total / RATE - 1) * 100, RATE, bound);
    report.line("Live gateway replicas seen in gateway_members during the run: %s.%n",
        report.json().getJsonObject("a_membership").encode());
  }
}
