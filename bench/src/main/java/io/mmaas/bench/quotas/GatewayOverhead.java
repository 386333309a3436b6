package io.mmaas.bench.quotas;

import io.mmaas.bench.Workloads;
import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.bench.load.ClosedLoop;
import io.mmaas.bench.load.LoadResult;
import io.mmaas.bench.load.Target;
import io.mmaas.bench.report.CpuTime;
import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.Platform;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Case d: the same model and load generator calling the agent directly (serving key), through a gateway (API key,
 * quota raised out of the way) and through a bare {@link Relay} (the floor any proxy built on the same HTTP stack
 * pays), at concurrency 1 (latency added) and 16 (throughput kept). Runs alternate the paths {@value #ROUNDS} times
 * and each figure is the median of the rounds, so a burst of load from the machine's other user does not land on one
 * side only.
 */
final class GatewayOverhead {
  private static final int ROUNDS = 3;
  private static final int WARMUP_SECONDS = 15;

  private GatewayOverhead() {
  }

  /** A path through a proxy: the gateway (its control plane's pid) or the bare relay (its own). */
  private record Proxy(String name, Target target, long pid) {}

  static void run(Platform p, Report report, double seconds) throws Exception {
    ServedModel m = ServedModel.create(p, "fast", new JsonObject().put("requestsPerSecond", 1_000_000)
        .put("burst", 10_000_000).put("concurrentRequests", 100_000).put("requestsPerDay", 1_000_000_000_000L));
    Target direct = m.direct("direct to agent");
    Proxy gateway = new Proxy("gateway", m.viaGateway("through gateway", p.controlPlanes.get(0)),
        p.controlPlanes.get(0).process().pid());
    // the same gateway code in a process that runs only the gateway role (MMAAS_ROLES=gateway, issue #16 item 3)
    io.mmaas.bench.system.ControlPlaneProcess gatewayOnly = p.startControlPlane("gateway-only",
        java.util.Map.of("MMAAS_ROLES", "gateway", "MMAAS_MIGRATE", "false"));
    Proxy gatewayProcess = new Proxy("gateway process", m.viaGateway("through a gateway process", gatewayOnly),
        gatewayOnly.process().pid());
    JsonArray runs = new JsonArray();
    JsonObject summary = new JsonObject();
    // The floor: a relay that only forwards, on the same Vert.x HTTP server and client, in its own process; it runs
    // in the same rounds as direct and gateway, so all three meet the same moments of the machine.
    try (JavaProcess relayProcess = startRelay(direct.port())) {
      Proxy relay = new Proxy("bare relay", m.relayed("through a bare relay", relayPort(relayProcess)),
          relayProcess.pid());
      // Warm-up: C2 keeps compiling the new paths (in the agent, the proxies and this generator) for ten seconds
      // and more; measured before that, a run mostly measures the compilers.
      for (int i = 0; i < WARMUP_SECONDS / 3; i++) {
        ClosedLoop.run(p.vertx, direct, 16, 3);
        ClosedLoop.run(p.vertx, gateway.target(), 16, 3);
        ClosedLoop.run(p.vertx, relay.target(), 16, 3);
        ClosedLoop.run(p.vertx, gatewayProcess.target(), 16, 3);
      }
      report.md("\n## d. Gateway overhead\n\n")
          .line("MLP 16→32→4, JSON, batch 1 (and, last two rows, MiniLM int8 at 128 tokens); closed loop, %.0f s per "
              + "run, %d rounds alternating the paths; medians of the rounds. The bare relay (`Relay`) is the floor: "
              + "the same Vert.x HTTP server and client, event loops and client settings as the gateway, forwarding "
              + "and nothing else (no keys, limits, routing, metering or metrics), in its own process.%n",
              seconds, ROUNDS)
          .md("| concurrency | path | calls/s | p50 µs | p99 µs | agent CPU µs/req | proxy CPU µs/req | load "
              + "generator CPU µs/req |\n|---|---|---|---|---|---|---|---|\n");
      for (int concurrency : new int[] {1, 16}) {
        JsonObject byPath = compare(p, report, direct, List.of(gateway, gatewayProcess, relay), concurrency,
            Integer.toString(concurrency), seconds, runs);
        summary.put("c" + concurrency, byPath.getJsonObject(gateway.name()));
        summary.put("c" + concurrency + "_gateway_process", byPath.getJsonObject(gatewayProcess.name()));
        summary.put("c" + concurrency + "_relay", byPath.getJsonObject(relay.name()));
      }
    } finally {
      // later cases count gateways for the shared rates: this one leaves
      gatewayOnly.process().close();
      p.controlPlanes.remove(gatewayOnly);
    }
    // The same comparison with a model that computes something: MiniLM int8, one sequence of 128 tokens, JSON in and
    // binary out (a 196 KB answer through the proxy), so the gateway's cost is set against real inference work.
    Path dir = Files.createTempDirectory("mmaas-bench-gateway");
    ServedModel lm = ServedModel.create(p, "embedder", new JsonObject().put("requestsPerSecond", 1_000_000)
            .put("burst", 10_000_000).put("concurrentRequests", 100_000).put("requestsPerDay", 1_000_000_000_000L),
        "minilm", Files.readAllBytes(Workloads.miniLm(dir)), Workloads.json(Workloads.miniLmInputs(128), true));
    Target lmDirect = lm.direct("MiniLM direct");
    Proxy lmGateway = new Proxy("gateway", lm.viaGateway("MiniLM through gateway", p.controlPlanes.get(0)),
        gateway.pid());
    for (int i = 0; i < 2; i++) {
      ClosedLoop.run(p.vertx, lmDirect, 16, 3);
      ClosedLoop.run(p.vertx, lmGateway.target(), 16, 3);
    }
    JsonObject miniLm = compare(p, report, lmDirect, List.of(lmGateway), 16, "16, MiniLM", seconds, runs)
        .getJsonObject(lmGateway.name());
    summary.put("c16_minilm", miniLm);
    JsonObject c1 = summary.getJsonObject("c1");
    JsonObject c16 = summary.getJsonObject("c16");
    JsonObject r1 = summary.getJsonObject("c1_relay");
    JsonObject r16 = summary.getJsonObject("c16_relay");
    report.line("%nAdded by the gateway at concurrency 1: p50 %+.0f µs (target ≤ 250), p99 %+.0f µs (target ≤ 1000); "
            + "by the bare relay: p50 %+.0f µs, p99 %+.0f µs.", c1.getDouble("addedP50Micros"),
        c1.getDouble("addedP99Micros"), r1.getDouble("addedP50Micros"), r1.getDouble("addedP99Micros"));
    JsonObject own1 = summary.getJsonObject("c1_gateway_process");
    JsonObject own16 = summary.getJsonObject("c16_gateway_process");
    report.line("A gateway in a process of its own (`MMAAS_ROLES=gateway`): p50 %+.0f µs, p99 %+.0f µs at "
            + "concurrency 1; %.1f %% of direct throughput at 16.", own1.getDouble("addedP50Micros"),
        own1.getDouble("addedP99Micros"), own16.getDouble("gatewayThroughputPercentOfDirect"));
    report.line("Throughput at concurrency 16: the gateway keeps %.1f %% of direct (target ≥ 70 %%); the bare relay "
            + "keeps %.1f %%.", c16.getDouble("gatewayThroughputPercentOfDirect"),
        r16.getDouble("gatewayThroughputPercentOfDirect"));
    JsonObject cpu = c16.getJsonObject("cpuMicrosPerRequest");
    JsonObject relayCpu = r16.getJsonObject("cpuMicrosPerRequest");
    double direct16 = cpu.getDouble("directAgent") + cpu.getDouble("directGenerator");
    double gateway16 = cpu.getDouble("gatewayAgent") + cpu.getDouble("gatewayControlPlane")
        + cpu.getDouble("gatewayGenerator");
    double relay16 = relayCpu.getDouble("gatewayAgent") + relayCpu.getDouble("gatewayControlPlane")
        + relayCpu.getDouble("gatewayGenerator");
    report.line("At concurrency 16 a request costs %.0f µs of CPU in all direct, %.0f µs through the gateway (%.0f of "
            + "them in the control plane) and %.0f µs through the bare relay (%.0f in the relay): with every process "
            + "sharing the same cores, the gateway path can reach at most about %.0f %% of direct throughput here, "
            + "a path through any proxy built this way about %.0f %%. The gateway's own work (keys, limits, routing, "
            + "metering, metrics) is the difference: %.0f µs per request.", direct16, gateway16,
        cpu.getDouble("gatewayControlPlane"), relay16, relayCpu.getDouble("gatewayControlPlane"),
        direct16 / gateway16 * 100, direct16 / relay16 * 100,
        cpu.getDouble("gatewayControlPlane") - relayCpu.getDouble("gatewayControlPlane"));
    c16.put("cpuBoundThroughputPercent", Math.round(direct16 / gateway16 * 1000) / 10.0);
    r16.put("cpuBoundThroughputPercent", Math.round(direct16 / relay16 * 1000) / 10.0);

    report.line("%nWith MiniLM (int8, 128 tokens, binary output) at concurrency 16 the gateway path keeps %.1f %% of "
        + "direct throughput and adds %+.0f µs at p50.", miniLm.getDouble("gatewayThroughputPercentOfDirect"),
        miniLm.getDouble("addedP50Micros"));
    report.json().put("d_gateway_overhead", summary.put("runs", runs));
  }

  /**
   * Alternates the direct path and each proxy's path {@value #ROUNDS} times; one table row each, medians of the
   * rounds. Per proxy: its figures against direct (keys as before the relay was added: "gateway…" means "proxy…").
   */
  private static JsonObject compare(Platform p, Report report, Target direct, List<Proxy> proxies, int concurrency,
                                    String label, double seconds, JsonArray runs) {
    double[][] d = new double[6][ROUNDS];
    double[][][] g = new double[proxies.size()][6][ROUNDS];
    long cpPid = p.controlPlanes.get(0).process().pid();
    for (int i = 0; i < ROUNDS; i++) {
      record(p, direct, cpPid, concurrency, seconds, d, i, runs);
      for (int k = 0; k < proxies.size(); k++) {
        record(p, proxies.get(k).target(), proxies.get(k).pid(), concurrency, seconds, g[k], i, runs);
      }
    }
    double[] dm = medians(d);
    report.line("| %s | direct | %.0f | %.0f | %.0f | %.0f | – | %.0f |", label, dm[0], dm[1], dm[2], dm[3], dm[5]);
    JsonObject out = new JsonObject();
    for (int k = 0; k < proxies.size(); k++) {
      double[] gm = medians(g[k]);
      report.line("| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |", label, proxies.get(k).name(), gm[0], gm[1],
          gm[2], gm[3], gm[4], gm[5]);
      out.put(proxies.get(k).name(), new JsonObject()
          .put("cpuMicrosPerRequest", new JsonObject().put("directAgent", dm[3]).put("directGenerator", dm[5])
              .put("gatewayAgent", gm[3]).put("gatewayControlPlane", gm[4]).put("gatewayGenerator", gm[5]))
          .put("directPerSecond", dm[0]).put("gatewayPerSecond", gm[0])
          .put("gatewayThroughputPercentOfDirect", Math.round(gm[0] / dm[0] * 1000) / 10.0)
          .put("addedP50Micros", gm[1] - dm[1]).put("addedP99Micros", gm[2] - dm[2]));
    }
    return out;
  }

  /** One run; into[0..5][round] = calls/s, p50, p99, and CPU µs per request of agent, proxy, generator. */
  private static void record(Platform p, Target t, long proxyPid, int concurrency, double seconds, double[][] into,
                             int round, JsonArray runs) {
    long[] pids = {p.agents.get(0).pid(), proxyPid, ProcessHandle.current().pid()};
    double[] before = new double[3];
    for (int k = 0; k < 3; k++) {
      before[k] = CpuTime.millis(pids[k]);
    }
    LoadResult r = ClosedLoop.run(p.vertx, t, concurrency, seconds);
    into[0][round] = r.okPerSec();
    into[1][round] = r.p50();
    into[2][round] = r.p99();
    for (int k = 0; k < 3; k++) {
      into[3 + k][round] = (CpuTime.millis(pids[k]) - before[k]) * 1000 / Math.max(1, r.total());
    }
    runs.add(r.toJson().put("round", round + 1).put("cpuMicrosPerRequest", new JsonObject()
        .put("agent", into[3][round]).put("proxy", into[4][round]).put("generator", into[5][round])));
    System.out.printf(java.util.Locale.ROOT, "  %-18s c%-3d %8.1f/s p50 %6.0f p99 %6.0f non-200 %d  cpu µs/req agent "
            + "%.0f proxy %.0f generator %.0f%n", r.name(), r.concurrency(), r.okPerSec(), r.p50(), r.p99(),
        r.total() - r.ok(), into[3][round], into[4][round], into[5][round]);
  }

  private static JavaProcess startRelay(int agentPort) throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path jar = Path.of(Relay.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    JavaProcess relay = JavaProcess.startMain("relay", jar, Relay.class.getName(), "768m", Platform.PROCESS_LOGS,
        java.util.Map.of(), Integer.toString(port), Integer.toString(agentPort));
    relay.awaitLog("relay ready on port (\\d+)", java.time.Duration.ofSeconds(30));
    return relay;
  }

  private static int relayPort(JavaProcess relay) throws Exception {
    return Integer.parseInt(relay.awaitLog("relay ready on port (\\d+)", java.time.Duration.ofSeconds(1)));
  }

  private static double[] medians(double[][] values) {
    double[] out = new double[values.length];
    for (int k = 0; k < values.length; k++) {
      out[k] = median(values[k]);
    }
    return out;
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
