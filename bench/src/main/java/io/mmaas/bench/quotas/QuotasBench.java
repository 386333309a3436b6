package io.mmaas.bench.quotas;

import io.mmaas.bench.report.LoadAverage;
import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.AdminApi;
import io.mmaas.bench.system.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code java -jar bench-app.jar quotas [--seconds S] [--phase-seconds P] [--run-seconds R] [--cases abcd]
 * [--out DIR]} (issue #7): two packaged control-plane replicas on one fresh database and one packaged agent; runs the
 * gateway overhead (d, R-second runs, default 5), the rate limit across replicas (a, S seconds, default 30), the noisy
 * neighbour (c, P-second phases, default 40) and the resource-limit races (b), then writes {@code quotas-<time>.json}
 * and {@code .md}.
 */
public final class QuotasBench {
  private QuotasBench() {
  }

  public static void main(String[] args) throws Exception {
    double seconds = 30;
    // 40 s phases: at 100 requests/s a shorter phase holds too few samples above p99 to resolve a 10 % change
    double phaseSeconds = 40;
    double runSeconds = 5;
    Path out = Path.of("bench/results");
    String cases = "abcd";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--phase-seconds" -> phaseSeconds = Double.parseDouble(args[i + 1]);
        case "--run-seconds" -> runSeconds = Double.parseDouble(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--cases" -> cases = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Report report = new Report("quotas", "Quotas and rate limits benchmark");
    try (LoadAverage load = new LoadAverage(); Platform p = Platform.create()) {
      report.line("Two control-plane processes and one runtime-agent process (packaged jars) on a fresh database; "
          + "load generator in this process; everything on 127.0.0.1.%n");
      Map<String, String> cpTuning = Platform.tuning("CP");
      Map<String, String> agentTuning = Platform.tuning("AGENT");
      if (!cpTuning.isEmpty() || !agentTuning.isEmpty()) {
        report.line("Settings from the environment: control planes %s, agent %s.%n", cpTuning, agentTuning);
        report.json().put("tuning", new io.vertx.core.json.JsonObject()
            .put("controlPlane", new java.util.HashMap<String, Object>(cpTuning))
            .put("agent", new java.util.HashMap<String, Object>(agentTuning)));
      }
      for (String name : new String[] {"quotas-cp1", "quotas-cp2"}) {
        p.startControlPlane(name, Map.of());
      }
      p.startAgent("quotas-agent");
      AdminApi.await("agent enrolled", () -> p.admin().get("/api/v1/agents").getJsonArray("items").size() == 1,
          Duration.ofSeconds(60), p::logs);

      if (cases.indexOf('d') >= 0) {
        GatewayOverhead.run(p, report, runSeconds);
      }
      if (cases.indexOf('a') >= 0) {
        RateAcrossGateways.run(p, report, seconds);
      }
      if (cases.indexOf('c') >= 0) {
        NoisyNeighbour.run(p, report, phaseSeconds);
      }
      if (cases.indexOf('b') >= 0) {
        ResourceRaces.run(p, report);
      }
      report.line("%nMachine: %s.", load.describe());
      report.json().put("loadAverage", load.toJson());
    }
    System.out.println("\nwritten " + report.write(out));
  }
}
