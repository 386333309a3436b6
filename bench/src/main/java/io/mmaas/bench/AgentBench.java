package io.mmaas.bench;

import io.mmaas.agent.oip.ServingVerticle;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.bench.load.LoadResult;
import io.mmaas.bench.load.RawHttpLoad;
import io.mmaas.bench.report.LoadAverage;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code java -jar bench-app.jar agent [--seconds S] [--out DIR]}: runs the agent benchmark (cases a–d of issue #5)
 * and writes {@code agent-<time>.json} and {@code .md} to DIR (default bench/results).
 */
final class AgentBench {
  private static final int INFER_THREADS = 2;
  private static final int E_ROUNDS = 8;
  private static final int ROUNDS = 3;
  private static final Map<String, String> JSON = Map.of(
      "Authorization", "Bearer " + AgentUnderTest.KEY, "Content-Type", "application/json");

  private final double seconds;
  private final String cases;
  private final List<Measurement> results = new ArrayList<>();
  private final JsonObject ratios = new JsonObject();
  private final List<String> notes = new ArrayList<>();
  private final Vertx loadVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));

  private AgentBench(double seconds, String cases) {
    this.seconds = seconds;
    this.cases = cases;
  }

  static void main(String[] args) throws Exception {
    double seconds = 10;
    Path out = Path.of("bench/results");
    String cases = "abcd";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--cases" -> cases = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    AgentBench bench = new AgentBench(seconds, cases);
    try {
      bench.run();
      bench.write(out);
    } finally {
      bench.loadVertx.close().await();
    }
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("mmaas-bench");
    try (AgentUnderTest agent = new AgentUnderTest(INFER_THREADS, 1024)) {
      RuntimeOptions plain = new RuntimeOptions(1, 1);
      int port = agent.port();
      if (cases.indexOf('a') >= 0) {
        caseA(agent, dir, plain, port);
      }
      if (cases.indexOf('b') >= 0 || cases.indexOf('c') >= 0) {
        caseBc(agent, dir, plain, port);
      }
      if (cases.indexOf('d') >= 0) {
        caseD(agent, dir, plain, port);
      }
      if (cases.indexOf('e') >= 0) {
        caseE(dir);
      }
      if (cases.indexOf('h') >= 0) {
        caseH(agent, dir, plain);
      }
    }
  }

  /**
   * (a) tiny MLP 16 -> 4, batch 1, JSON: in-process calls against the agent, one request at a time per connection and
   * pipelined, batching off and on; and the HTTP stack alone (the agent's liveness route), the ceiling any handler on
   * this machine is under.
   */
  private void caseA(AgentUnderTest agent, Path dir, RuntimeOptions plain, int port) throws Exception {
    Path mlp = Files.write(dir.resolve("mlp.onnx"), OnnxModels.mlp(16, 32, 4, 1));
    agent.load("mlp", "mlp", mlp, plain);
    agent.load("mlp-batched", "mlp-batched", mlp, new RuntimeOptions(1, 1, 64, 0));
    List<Tensor> mlpIn = List.of(Workloads.floats("input", new long[] {1, 16}, Workloads.randomFloats(16, 1)));
    Buffer body = Workloads.json(mlpIn, false);
    alternate("a_mlp_agent_vs_in_process",
        () -> inProcess("a. MLP 16->4 in-process", agent, "mlp", mlpIn, Set.of("output")),
        () -> raw("a. MLP agent, 16 connections", agent, "/v2/models/mlp/infer", JSON, body, 16, 1));
    Measurement a0 = median("a. MLP 16->4 in-process");
    Measurement a2 = raw("a. MLP agent, 16 connections x 16 pipelined", agent, "/v2/models/mlp/infer", JSON, body,
        16, 16);
    Measurement a3 = raw("a. MLP agent batching on, 16 connections", agent, "/v2/models/mlp-batched/infer", JSON, body,
        16, 1);
    Measurement a4 = raw("a. MLP agent batching on, 16 connections x 16 pipelined", agent,
        "/v2/models/mlp-batched/infer", JSON, body, 16, 16);
    RawHttpLoad.Request live = new RawHttpLoad.Request("GET", "/v2/health/live", Map.of(), new byte[0]);
    Measurement h1 = raw("a. HTTP ceiling: GET /v2/health/live, 16 connections", agent, live, 16, 1);
    Measurement h2 = raw("a. HTTP ceiling: GET /v2/health/live, 16 x 16 pipelined", agent, live, 16, 16);
    // CPU per call: the in-process call against the agent's whole cost of serving one request over HTTP
    List<Double> agentCpu = new ArrayList<>(results.stream().filter(m -> m.name().equals("a. MLP agent, 16 connections"))
        .map(Measurement::serverCpu).toList());
    agentCpu.sort(null);
    double agentCpuMedian = agentCpu.get(agentCpu.size() / 2);
    ratios.put("a_cpu_per_call_in_process_micros", Math.round(a0.serverCpu() * 10) / 10.0);
    ratios.put("a_cpu_per_request_agent_micros", Math.round(agentCpuMedian * 10) / 10.0);
    ratios.put("a_cpu_in_process_vs_agent", Math.round(a0.serverCpu() / agentCpuMedian * 1000) / 1000.0);
    ratios.put("a_mlp_agent_pipelined_vs_in_process", ratio(a2, a0));
    ratios.put("a_mlp_agent_batching_vs_in_process", ratio(a3, a0));
    ratios.put("a_mlp_agent_batching_pipelined_vs_in_process", ratio(a4, a0));
    ratios.put("a_http_ceiling_vs_in_process", ratio(h1, a0));
    ratios.put("a_http_ceiling_pipelined_vs_in_process", ratio(h2, a0));
    notes.add("a, b: the ratios of rows run once are against the in-process round with the median rate");
    // Where the agent's CPU per request goes: the HTTP stack (the no-op route's cost), the model call (the in-process
    // call's), and the rest (JSON decode and encode, the hand-offs between event loop and inference thread).
    double rest = agentCpuMedian - h1.serverCpu() - a0.serverCpu();
    ratios.put("a_cpu_rest_micros", Math.round(rest * 10) / 10.0);
    notes.add(String.format(Locale.ROOT, "a: the agent's CPU per request, %.1f µs = HTTP stack %.1f (the no-op "
        + "route's) + model call %.1f (in-process) + %.1f for JSON and the hand-offs to and from the inference thread; "
        + "the no-op route alone reaches %.3f of the in-process calls/s: the bound any HTTP handler is under on this "
        + "machine at this moment", agentCpuMedian, h1.serverCpu(), a0.serverCpu(), rest, ratio(h1, a0)));
    agent.unload("mlp");
    agent.unload("mlp-batched");
  }

  /** (b) MiniLM int8, seq 128, batch 1; (c) dynamic batching off vs on at 32 clients. */
  private void caseBc(AgentUnderTest agent, Path dir, RuntimeOptions plain, int port) throws Exception {
    Path miniLm = Workloads.miniLm(dir);
    agent.load("minilm", "minilm", miniLm, plain);
    List<Tensor> tokens = Workloads.miniLmInputs(128);
    Buffer binaryOut = Workloads.json(tokens, true);
    if (cases.indexOf('b') >= 0) {
      alternate("b_minilm_agent_binary_out_vs_in_process",
          () -> inProcess("b. MiniLM seq128 in-process", agent, "minilm", tokens, Set.of("last_hidden_state")),
          () -> raw("b. MiniLM seq128 agent (JSON in, binary out)", agent, "/v2/models/minilm/infer", JSON,
              binaryOut, 4, 1));
      Measurement b0 = median("b. MiniLM seq128 in-process");
      Measurement b2 = raw("b. MiniLM seq128 agent (JSON in, JSON out)", agent, "/v2/models/minilm/infer", JSON,
          Workloads.json(tokens, false), 4, 1);
      ratios.put("b_minilm_agent_json_out_vs_in_process", ratio(b2, b0));
    }
    if (cases.indexOf('c') >= 0) {
      agent.load("minilm-batched", "minilm-batched", miniLm, new RuntimeOptions(1, 1, 32, 2_000));
      Measurement c0 = raw("c. MiniLM 32 clients, batching off", agent, "/v2/models/minilm/infer", JSON, binaryOut,
          32, 1);
      long runsBefore = agent.batches("minilm-batched");
      long callsBefore = agent.requests("minilm-batched");
      Measurement c1 = raw("c. MiniLM 32 clients, batching on (max 32, 2 ms)", agent,
          "/v2/models/minilm-batched/infer", JSON, binaryOut, 32, 1);
      long runs = agent.batches("minilm-batched") - runsBefore;
      long calls = agent.requests("minilm-batched") - callsBefore;
      ratios.put("c_batching_on_vs_off", ratio(c1, c0));
      notes.add(String.format(Locale.ROOT, "c: batching on served %d requests in %d runs (mean batch %.1f)",
          calls, runs, runs == 0 ? 0.0 : (double) calls / runs));
      agent.unload("minilm-batched");
    }
    agent.unload("minilm");
  }

  /** (d) 1 MB FP32 input: JSON vs binary tensors (identity model, output in the same encoding). */
  private void caseD(AgentUnderTest agent, Path dir, RuntimeOptions plain, int port) throws Exception {
    int n = 262_144;
    agent.load("big", "big", Files.write(dir.resolve("big.onnx"), OnnxModels.identity("FP32", -1, n)), plain);
    List<Tensor> big = List.of(Workloads.floats("x", new long[] {1, n}, Workloads.randomFloats(n, 3)));
    Buffer json = Workloads.json(big, false);
    Measurement d0 = raw("d. 1 MB FP32 identity, JSON in/out", agent, "/v2/models/big/infer", JSON, json, 2, 1);
    Workloads.Binary binary = Workloads.binary(big);
    Measurement d1 = raw("d. 1 MB FP32 identity, binary in/out", agent, "/v2/models/big/infer",
        Map.of("Authorization", "Bearer " + AgentUnderTest.KEY, "Content-Type", "application/octet-stream",
            "Inference-Header-Content-Length", Integer.toString(binary.headerLength())), binary.body(), 2, 1);
    ratios.put("d_binary_vs_json", ratio(d1, d0));
    notes.add("d: request bodies " + json.length() + " bytes (JSON) vs " + binary.body().length() + " bytes (binary)");
    agent.unload("big");
  }

  /**
   * (e) the trade-off behind the agent's default number of event loops: the tiny MLP (batching off, then on) served by
   * a fresh agent with 1 and with 2 event loops, {@link #E_ROUNDS} rounds, alternating which goes first; the ratios are
   * the medians of the per-round ratios (1 loop over 2). Fresh instances per run, so neither side inherits the other's
   * warm state or comes later in the process's life.
   */
  private void caseE(Path dir) throws Exception {
    Path mlp = Files.write(dir.resolve("mlp-e.onnx"), OnnxModels.mlp(16, 32, 4, 1));
    Buffer body = Workloads.json(
        List.of(Workloads.floats("input", new long[] {1, 16}, Workloads.randomFloats(16, 1))), false);
    Map<String, List<Double>> perRound = new LinkedHashMap<>();
    for (int round = 0; round < E_ROUNDS; round++) {
      Map<String, Measurement> one = new HashMap<>();
      Map<String, Measurement> two = new HashMap<>();
      for (int loops : round % 2 == 0 ? new int[] {2, 1} : new int[] {1, 2}) {
        try (AgentUnderTest agent = new AgentUnderTest(INFER_THREADS, 1024, loops)) {
          agent.load("mlp", "mlp", mlp, new RuntimeOptions(1, 1));
          agent.load("mlp-batched", "mlp-batched", mlp, new RuntimeOptions(1, 1, 64, 0));
          for (String model : List.of("mlp", "mlp-batched")) {
            Measurement m = raw("e. MLP agent, " + loops + " event loop" + (loops == 1 ? "" : "s")
                + (model.equals("mlp") ? "" : ", batching on") + ", 16 connections", agent,
                "/v2/models/" + model + "/infer", JSON, body, 16, 1);
            (loops == 1 ? one : two).put(model, m);
          }
        }
      }
      for (String model : List.of("mlp", "mlp-batched")) {
        perRound.computeIfAbsent(model, k -> new ArrayList<>()).add(ratio(one.get(model), two.get(model)));
      }
    }
    perRound.forEach((model, ratios) -> {
      String key = model.equals("mlp") ? "e_one_vs_two_loops" : "e_one_vs_two_loops_batching";
      List<Double> sorted = new ArrayList<>(ratios);
      sorted.sort(null);
      this.ratios.put(key, (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2);
      JsonArray rounds = new JsonArray();
      ratios.forEach(rounds::add);
      this.ratios.put(key + "_rounds", rounds);
    });
  }

  /**
   * (h) model hosts, before and after isolation: the tiny MLP at 16 connections served by the in-process agent stack
   * (as agents served before hosts) against the same stack in a real model host process, and MiniLM at 4 connections
   * through the host against in-process calls; alternating rounds; plus the idle host's resident memory.
   */
  private void caseH(AgentUnderTest agent, Path dir, RuntimeOptions plain) throws Exception {
    Path mlp = Files.write(dir.resolve("mlp-h.onnx"), OnnxModels.mlp(16, 32, 4, 1));
    Path miniLm = Workloads.miniLm(dir);
    try (HostUnderTest host = new HostUnderTest(dir.resolve("hosts"), INFER_THREADS)) {
      int mlpPort = host.load("mlp-h", mlp, plain);
      Thread.sleep(2_000);
      long idle = host.residentBytes();
      ratios.put("h_host_resident_bytes_one_tiny_model", idle);
      agent.load("mlp-h", "mlp-h", mlp, plain);
      List<Tensor> mlpIn = List.of(Workloads.floats("input", new long[] {1, 16}, Workloads.randomFloats(16, 1)));
      Buffer body = Workloads.json(mlpIn, false);
      RawHttpLoad.Request mlpReq = new RawHttpLoad.Request("POST", "/v2/models/mlp-h/infer", JSON, body.getBytes());
      // the host is a JVM of its own: its JIT warms up under load too (the generator's warm-up only sees this one's)
      RawHttpLoad.run(loadVertx, "h. host warm-up", mlpPort, mlpReq, 16, 1, Math.max(10, seconds));
      alternate("h_mlp_host_vs_in_process_agent",
          () -> raw("h. MLP in-process agent (before hosts), 16 connections", agent, mlpReq, 16, 1),
          () -> rawAtHost("h. MLP model host, 16 connections", host, mlpPort, mlpReq, 16));
      agent.unload("mlp-h");
      int miniPort = host.load("minilm-h", miniLm, plain);
      agent.load("minilm-h", "minilm-h", miniLm, plain);
      List<Tensor> tokens = Workloads.miniLmInputs(128);
      RawHttpLoad.Request miniReq = new RawHttpLoad.Request("POST", "/v2/models/minilm-h/infer", JSON,
          Workloads.json(tokens, true).getBytes());
      RawHttpLoad.run(loadVertx, "h. host warm-up", miniPort, miniReq, 4, 1, Math.max(10, seconds));
      alternate("h_minilm_host_vs_in_process",
          () -> inProcess("h. MiniLM seq128 in-process", agent, "minilm-h", tokens, Set.of("last_hidden_state")),
          () -> rawAtHost("h. MiniLM seq128 model host (JSON in, binary out), 4 connections", host, miniPort, miniReq,
              4));
      // the floor: the same serving stack in this process (how agents served MiniLM before hosts) against in-process
      alternate("h_minilm_agent_before_hosts_vs_in_process",
          () -> inProcess("h. MiniLM seq128 in-process", agent, "minilm-h", tokens, Set.of("last_hidden_state")),
          () -> raw("h. MiniLM seq128 in-process agent (before hosts), 4 connections", agent, miniReq, 4, 1));
      agent.unload("minilm-h");
      notes.add(String.format(Locale.ROOT, "h: one host process (its own JVM, -Xmx1g, 2 inference threads) holding "
          + "the tiny MLP, idle: %.0f MiB resident; the host's CPU per request is the whole process's (JIT and GC "
          + "threads included), the in-process agent's only its event loops and inference threads", idle / 1048576.0));
    }
  }

  /** The lean generator against a model host; the host's CPU per request from /proc (10 ms resolution). */
  private Measurement rawAtHost(String name, HostUnderTest host, int port, RawHttpLoad.Request request,
      int connections) throws Exception {
    JitWarmup.until(t -> RawHttpLoad.run(loadVertx, name, port, request, connections, 1, t));
    double before = host.cpuSeconds();
    LoadResult r = RawHttpLoad.run(loadVertx, name, port, request, connections, 1, seconds);
    double cpuMicros = r.ok() == 0 ? 0 : (host.cpuSeconds() - before) * 1e6 / r.ok();
    return record(Measurement.of(name, connections, r.ok(), r.total() - r.ok(), r.seconds(), r.okMicros())
        .withServerCpu(cpuMicros));
  }

  interface Run {
    Measurement run() throws Exception;
  }

  /**
   * Runs the baseline and the other side alternately, {@link #ROUNDS} times, so that a slow minute on a shared machine
   * hits both; records every run and puts the median of the per-round ratios (other / baseline) under {@code key}.
   */
  private void alternate(String key, Run baseline, Run other) throws Exception {
    List<Double> perRound = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      Measurement base = baseline.run();
      Measurement then = other.run();
      perRound.add(ratio(then, base));
    }
    JsonArray rounds = new JsonArray();
    perRound.forEach(rounds::add);
    List<Double> sorted = new ArrayList<>(perRound);
    sorted.sort(null);
    ratios.put(key, sorted.get(sorted.size() / 2));
    ratios.put(key + "_rounds", rounds);
  }

  /** Of the runs with this name, the one with the median rate: the baseline the other rows are compared with. */
  private Measurement median(String name) {
    List<Measurement> runs = new ArrayList<>(results.stream().filter(m -> m.name().equals(name)).toList());
    if (runs.isEmpty()) {
      throw new IllegalStateException("no run named " + name);
    }
    runs.sort(Comparator.comparingDouble(Measurement::perSecond));
    return runs.get(runs.size() / 2);
  }

  private Measurement inProcess(String name, AgentUnderTest agent, String replica, List<Tensor> inputs,
      Set<String> outputs) throws Exception {
    JitWarmup.until(t -> InProcessLoad.run(name, agent.runtime(), replica, inputs, outputs, INFER_THREADS, t));
    ThreadCpu cpu = new ThreadCpu();
    Measurement m = InProcessLoad.run(name, agent.runtime(), replica, inputs, outputs, INFER_THREADS, seconds);
    System.out.println("  CPU µs per call by thread: " + cpu.perCall(m.calls()));
    return record(m);
  }

  /** The same request from the lean generator: {@code connections} connections, {@code depth} in flight each. */
  private Measurement raw(String name, AgentUnderTest agent, String path, Map<String, String> headers, Buffer body,
      int connections, int depth) throws Exception {
    return raw(name, agent, new RawHttpLoad.Request("POST", path, headers, body.getBytes()), connections, depth);
  }

  /**
   * The lean generator against the agent; besides the rate, records the agent's own CPU per request (its event
   * loops and inference threads, not the generator's), the figure that does not depend on sharing the cores.
   */
  private Measurement raw(String name, AgentUnderTest agent, RawHttpLoad.Request request, int connections, int depth)
      throws Exception {
    int port = agent.port();
    JitWarmup.until(t -> RawHttpLoad.run(loadVertx, name, port, request, connections, depth, t));
    Set<Long> loops = agent.eventLoopThreadIds();
    ThreadCpu cpu = new ThreadCpu();
    LoadResult r = RawHttpLoad.run(loadVertx, name, port, request, connections, depth, seconds);
    System.out.println("  CPU µs per call by thread: " + cpu.perCall(r.ok()));
    double agentCpu = cpu.perCall(r.ok(), (id, thread) -> loops.contains(id) || thread.startsWith("mmaas-infer"));
    return record(Measurement.of(name, connections * depth, r.ok(), r.total() - r.ok(), r.seconds(), r.okMicros())
        .withServerCpu(agentCpu));
  }

  private Measurement record(Measurement m) {
    System.out.printf(Locale.ROOT, "%-55s %4d conc %10.1f /s  p50 %8.0f us  p99 %8.0f us  errors %d  cpu %.1f us%n",
        m.name(), m.concurrency(), m.perSecond(), m.p50(), m.p99(), m.errors(), m.serverCpu());
    results.add(m);
    return m;
  }

  private static double ratio(Measurement over, Measurement under) {
    return Math.round(over.perSecond() / under.perSecond() * 1000) / 1000.0;
  }

  /** Load and hypervisor steal over the whole run, for the report. */
  private final LoadAverage machine = new LoadAverage();

  private void write(Path dir) throws Exception {
    Files.createDirectories(dir);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    JsonArray rows = new JsonArray();
    results.forEach(m -> rows.add(m.toJson()));
    JsonObject json = new JsonObject()
        .put("when", LocalDateTime.now().toString())
        .put("cpus", Runtime.getRuntime().availableProcessors())
        .put("java", System.getProperty("java.version"))
        .put("secondsPerCase", seconds)
        .put("inferThreads", INFER_THREADS)
        .put("eventLoops", ServingVerticle.Settings.defaultEventLoops())
        .put("machine", machine.toJson())
        .put("results", rows).put("ratios", ratios).put("notes", new JsonArray(notes));
    Files.writeString(dir.resolve("agent-" + stamp + ".json"), json.encodePrettily());
    StringBuilder md = new StringBuilder("# Agent benchmark " + stamp + "\n\n")
        .append(String.format(Locale.ROOT, "%d CPUs, Java %s, %.0f s per case, agent with %d inference threads and "
            + "%d event loops (the default; case e compares 1 and 2), sessions with 1 intra-op and 1 inter-op thread; "
            + "load generator in the same process on its own Vert.x.%n%n",
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), seconds, INFER_THREADS,
            ServingVerticle.Settings.defaultEventLoops()))
        .append("CPU µs/call: the CPU time of the side under test per call, measured per thread: for the agent its event "
            + "loops and inference threads (not the load generator's), for in-process the calling threads. It does not "
            + "depend on how the cores are shared, so it reads the agent's cost where the calls/s cannot.\n\n")
        .append("| case | concurrency | calls/s | p50 µs | p99 µs | p99.9 µs | errors | CPU µs/call |\n"
            + "|---|---|---|---|---|---|---|---|\n");
    for (Measurement m : results) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f | %.0f | %d | %.1f |%n", m.name(),
          m.concurrency(), m.perSecond(), m.p50(), m.p99(), m.p999(), m.errors(), m.serverCpu()));
    }
    md.append("\n| ratio | value |\n|---|---|\n");
    ratios.forEach(e -> md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n"));
    md.append('\n');
    notes.forEach(n -> md.append("- ").append(n).append('\n'));
    md.append("\nMachine: ").append(machine.describe()).append(".\n");
    machine.close();
    Files.writeString(dir.resolve("agent-" + stamp + ".md"), md.toString());
    System.out.println(md);
  }
}
