package io.mmaas.bench.quotas;

import io.mmaas.bench.load.LoadResult;
import io.mmaas.bench.load.PacedLoad;
import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.ControlPlaneProcess;
import io.mmaas.bench.system.Platform;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Case c: tenant B sends a steady, paced load well under its limit through both gateways while tenant A floods at
 * ten times its own limit, also through both. Quiet and flooded phases alternate; the headline is paired, like the
 * other benchmarks' alternating rounds: each flooded phase's p99 against the mean p99 of the quiet phases on either
 * side of it, median over the floods. The pooled p99s and the spread between quiet phases (how much the figure moves
 * with no flood at all on this shared machine) are reported too.
 */
final class NoisyNeighbour {
  private static final int A_LIMIT = 50;
  private static final int A_OFFERED = 500;
  private static final int B_RATE = 100;
  private static final int FLOODS = 4;

  private NoisyNeighbour() {
  }

  static void run(Platform p, Report report, double seconds) throws Exception {
    ServedModel a = ServedModel.create(p, "noisy", new JsonObject().put("requestsPerSecond", A_LIMIT)
        .put("burst", A_LIMIT).put("concurrentRequests", 10_000).put("requestsPerDay", 1_000_000_000L));
    ServedModel b = ServedModel.create(p, "quiet", new JsonObject().put("requestsPerSecond", 1_000)
        .put("burst", 1_000).put("concurrentRequests", 10_000).put("requestsPerDay", 1_000_000_000L));
    // A's load comes from its own Vert.x instance: sharing the generator's event loops with B, A's 500 requests/s
    // would delay B's sends and reads inside this process and show up as B's latency.
    Vertx floodVertx = Vertx.vertx();
    try {
      measure(p, report, seconds, a, b, floodVertx);
    } finally {
      floodVertx.close().await();
    }
  }

  private static void measure(Platform p, Report report, double seconds, ServedModel a, ServedModel b,
                              Vertx floodVertx) {
    // Warm-up of both paths, A's refusals included (the JITs of three JVMs; run alone, case c starts cold).
    Future<List<LoadResult>> warmFlood = start(floodVertx, p, a, "warm-up A", A_OFFERED, 30);
    paced(p, b, "warm-up B", B_RATE, 30);
    warmFlood.await();
    // Quiet and flooded phases interleave (quiet, flood, quiet, flood, quiet) and each side's phases are pooled: a
    // slow minute on the shared machine then lands on both sides instead of deciding the comparison.
    List<Phase> all = new ArrayList<>();
    for (int i = 0; i < FLOODS; i++) {
      all.add(new Phase("B alone (" + (i + 1) + ")", paced(p, b, "B", B_RATE, seconds), null));
      Future<List<LoadResult>> flood = start(floodVertx, p, a, "A", A_OFFERED, seconds);
      List<LoadResult> during = paced(p, b, "B", B_RATE, seconds);
      all.add(new Phase("B while A floods (" + (i + 1) + ")", during, flood.await()));
    }
    all.add(new Phase("B alone (" + (FLOODS + 1) + ")", paced(p, b, "B", B_RATE, seconds), null));

    JsonArray phases = new JsonArray();
    report.md("\n## c. Noisy neighbour\n\n")
        .line("B: %d requests/s paced (limit 1000/s), half to each gateway. A: limit %d/s, offered %d/s paced, half to "
            + "each gateway. %.0f s per phase, quiet and flooded phases interleaved; open loop (1 ms ticks), latency "
            + "from send to last byte.%n", B_RATE, A_LIMIT, A_OFFERED, seconds)
        .md("| phase | B 200/s | B p50 µs | B p99 µs | B non-200 | A 200/s | A 429/s |\n|---|---|---|---|---|---|---|\n");
    Histogram quiet = new Histogram(3);
    Histogram flooded = new Histogram(3);
    List<Double> quietP99s = new ArrayList<>();
    for (Phase ph : all) {
      phases.add(ph.toJson());
      report.line("| %s | %.1f | %.0f | %.0f | %d | %s | %s |", ph.name, ph.bOkPerSecond(), (double) ph.b.getValueAtPercentile(50),
          (double) ph.b.getValueAtPercentile(99), ph.bNotOk(), ph.a == null ? "" : fmt(ph.aPerSecond(200)),
          ph.a == null ? "" : fmt(ph.aPerSecond(429)));
      if (ph.a == null) {
        quiet.add(ph.b);
        quietP99s.add((double) ph.b.getValueAtPercentile(99));
      } else {
        flooded.add(ph.b);
      }
    }
    double p99Change = (double) flooded.getValueAtPercentile(99) / quiet.getValueAtPercentile(99) - 1;
    double noise = quietP99s.stream().mapToDouble(Double::doubleValue).max().orElse(0)
        / quietP99s.stream().mapToDouble(Double::doubleValue).min().orElse(1) - 1;
    // phases are quiet, flood, quiet, flood, …, quiet: flood i sits between quiet i and quiet i + 1
    List<Double> paired = new ArrayList<>();
    for (int i = 0; i < FLOODS; i++) {
      double around = (quietP99s.get(i) + quietP99s.get(i + 1)) / 2;
      paired.add(all.get(2 * i + 1).b.getValueAtPercentile(99) / around - 1);
    }
    List<Double> sorted = new ArrayList<>(paired);
    sorted.sort(null);
    double pairedMedian = (sorted.get((FLOODS - 1) / 2) + sorted.get(FLOODS / 2)) / 2;
    report.line("%nB's p99 in each flooded phase against the quiet phases on either side: %s; median %+.1f %% "
            + "(target < 10 %%).", paired.stream().map(v -> String.format(java.util.Locale.ROOT, "%+.1f %%", v * 100))
            .toList(), pairedMedian * 100)
        .line("Pooled: B's p99 over the flooded phases %.0f µs vs over the quiet phases %.0f µs: %+.1f %%. Spread of "
            + "p99 between the quiet phases alone: %.1f %%.", (double) flooded.getValueAtPercentile(99),
        (double) quiet.getValueAtPercentile(99), p99Change * 100, noise * 100);
    report.json().put("c_noisy_neighbour", new JsonObject().put("phases", phases)
        .put("bP99QuietMicros", quiet.getValueAtPercentile(99))
        .put("bP99FloodedMicros", flooded.getValueAtPercentile(99))
        .put("bP99ChangePercent", Math.round(p99Change * 1000) / 10.0)
        .put("bP99PairedChangePercent", paired.stream().map(v -> Math.round(v * 1000) / 10.0).toList())
        .put("bP99PairedMedianChangePercent", Math.round(pairedMedian * 1000) / 10.0)
        .put("quietPhasesP99SpreadPercent", Math.round(noise * 1000) / 10.0));
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.1f", v);
  }

  private static Future<List<LoadResult>> start(Vertx vertx, Platform p, ServedModel m, String name, double rate,
                                                 double seconds) {
    List<Future<LoadResult>> parts = new ArrayList<>();
    for (ControlPlaneProcess cp : p.controlPlanes) {
      parts.add(new PacedLoad(vertx, m.viaGateway(name + " via " + cp.gatewayUrl(), cp),
          rate / p.controlPlanes.size(), 256).start(seconds));
    }
    return Future.all(parts).map(all -> parts.stream().map(Future::result).toList());
  }

  private static List<LoadResult> paced(Platform p, ServedModel m, String name, double rate, double seconds) {
    return start(p.vertx, p, m, name, rate, seconds).await();
  }

  /** One phase: B's results (one per gateway) merged, and A's when it flooded. */
  private static final class Phase {
    final String name;
    final List<LoadResult> bParts;
    final List<LoadResult> a;
    final Histogram b = new Histogram(3);

    Phase(String name, List<LoadResult> bParts, List<LoadResult> a) {
      this.name = name;
      this.bParts = bParts;
      this.a = a;
      bParts.forEach(r -> b.add(r.okMicros()));
    }

    double bOkPerSecond() {
      return bParts.stream().mapToDouble(LoadResult::okPerSec).sum();
    }

    long bNotOk() {
      return bParts.stream().mapToLong(r -> r.total() - r.ok()).sum();
    }

    double aPerSecond(int status) {
      return a.stream().mapToDouble(r -> r.statuses().getOrDefault(status, 0L) / r.seconds()).sum();
    }

    JsonObject toJson() {
      JsonArray parts = new JsonArray();
      bParts.forEach(r -> parts.add(r.toJson()));
      JsonObject j = new JsonObject().put("phase", name).put("bP50Micros", b.getValueAtPercentile(50))
          .put("bP99Micros", b.getValueAtPercentile(99)).put("bP999Micros", b.getValueAtPercentile(99.9))
          .put("b", parts);
      if (a != null) {
        JsonArray as = new JsonArray();
        a.forEach(r -> as.add(r.toJson()));
        j.put("a", as);
      }
      return j;
    }
  }
}
