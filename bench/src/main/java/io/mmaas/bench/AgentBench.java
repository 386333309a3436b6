package io.mmaas.bench;

import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
  private static final Map<String, String> JSON = Map.of(
      "Authorization", "Bearer " + AgentUnderTest.KEY, "Content-Type", "application/json");

  private final double seconds;
  private final List<Measurement> results = new ArrayList<>();
  private final JsonObject ratios = new JsonObject();
  private final List<String> notes = new ArrayList<>();
  private final Vertx loadVertx = Vertx.vertx();

  private AgentBench(double seconds) {
    this.seconds = seconds;
  }

  static void main(String[] args) throws Exception {
    double seconds = 10;
    Path out = Path.of("bench/results");
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    AgentBench bench = new AgentBench(seconds);
    try {
      bench.run();
      bench.write(out);
    } finally {
      bench.loadVertx.close().await();
    }
  }

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("mmaas-bench");
    try (AgentUnderTest agent = new AgentUnderTest(INFER_THREADS, 256)) {
      RuntimeOptions plain = new RuntimeOptions(1, 1);
      int port = agent.port();

      // (a) tiny MLP 16 -> 4, batch 1, JSON
      agent.load("mlp", "mlp", Files.write(dir.resolve("mlp.onnx"), OnnxModels.mlp(16, 32, 4, 1)), plain);
      List<Tensor> mlpIn = List.of(Workloads.floats("input", new long[] {1, 16}, Workloads.randomFloats(16, 1)));
      Measurement a0 = inProcess("a. MLP 16->4 in-process", agent, "mlp", mlpIn, Set.of("output"));
      Measurement a1 = http("a. MLP 16->4 agent HTTP JSON", port, "/v2/models/mlp/infer", JSON,
          Workloads.json(mlpIn, false), 8);
      ratios.put("a_mlp_agent_vs_in_process", ratio(a1, a0));

      // (b) MiniLM int8, seq 128, batch 1
      Path miniLm = Workloads.miniLm(dir);
      agent.load("minilm", "minilm", miniLm, plain);
      List<Tensor> tokens = Workloads.miniLmInputs(128);
      Measurement b0 = inProcess("b. MiniLM seq128 in-process", agent, "minilm", tokens, Set.of("last_hidden_state"));
      Measurement b1 = http("b. MiniLM seq128 agent HTTP (JSON in, binary out)", port, "/v2/models/minilm/infer",
          JSON, Workloads.json(tokens, true), 4);
      Measurement b2 = http("b. MiniLM seq128 agent HTTP (JSON in, JSON out)", port, "/v2/models/minilm/infer",
          JSON, Workloads.json(tokens, false), 4);
      ratios.put("b_minilm_agent_binary_out_vs_in_process", ratio(b1, b0));
      ratios.put("b_minilm_agent_json_out_vs_in_process", ratio(b2, b0));

      // (c) dynamic batching off vs on, 32 clients
      agent.load("minilm-batched", "minilm-batched", miniLm, new RuntimeOptions(1, 1, 32, 2_000));
      Buffer tokenBody = Workloads.json(tokens, true);
      Measurement c0 = http("c. MiniLM 32 clients, batching off", port, "/v2/models/minilm/infer", JSON, tokenBody, 32);
      long runsBefore = agent.batches("minilm-batched");
      Measurement c1 = http("c. MiniLM 32 clients, batching on (max 32, 2 ms)", port,
          "/v2/models/minilm-batched/infer", JSON, tokenBody, 32);
      long runs = agent.batches("minilm-batched") - runsBefore;
      ratios.put("c_batching_on_vs_off", ratio(c1, c0));
      notes.add(String.format(Locale.ROOT, "c: batching on served %d requests in %d runs (mean batch %.1f; includes the"
          + " warm-up)", c1.calls(), runs, runs == 0 ? 0.0 : (double) c1.calls() / runs));
      agent.unload("minilm-batched");
      agent.unload("minilm");

      // (d) 1 MB FP32 input: JSON vs binary tensors (identity model, output in the same encoding)
      int n = 262_144;
      agent.load("big", "big", Files.write(dir.resolve("big.onnx"), OnnxModels.identity("FP32", -1, n)), plain);
      List<Tensor> big = List.of(Workloads.floats("x", new long[] {1, n}, Workloads.randomFloats(n, 3)));
      Measurement d0 = http("d. 1 MB FP32 identity, JSON in/out", port, "/v2/models/big/infer", JSON,
          Workloads.json(big, false), 2);
      Workloads.Binary binary = Workloads.binary(big);
      Measurement d1 = http("d. 1 MB FP32 identity, binary in/out", port, "/v2/models/big/infer",
          Map.of("Authorization", "Bearer " + AgentUnderTest.KEY, "Content-Type", "application/octet-stream",
              "Inference-Header-Content-Length", Integer.toString(binary.headerLength())), binary.body(), 2);
      ratios.put("d_binary_vs_json", ratio(d1, d0));
      notes.add("d: request bodies " + Workloads.json(big, false).length() + " bytes (JSON) vs "
          + binary.body().length() + " bytes (binary)");
    }
  }

  private Measurement inProcess(String name, AgentUnderTest agent, String replica, List<Tensor> inputs,
      Set<String> outputs) throws InterruptedException {
    InProcessLoad.run(name, agent.runtime(), replica, inputs, outputs, INFER_THREADS, Math.min(2, seconds / 4));
    return record(InProcessLoad.run(name, agent.runtime(), replica, inputs, outputs, INFER_THREADS, seconds));
  }

  private Measurement http(String name, int port, String path, Map<String, String> headers, Buffer body,
      int connections) {
    HttpLoad.run(loadVertx, name, port, path, headers, body, connections, Math.min(2, seconds / 4));
    return record(HttpLoad.run(loadVertx, name, port, path, headers, body, connections, seconds));
  }

  private Measurement record(Measurement m) {
    System.out.printf(Locale.ROOT, "%-55s %4d conc %10.1f /s  p50 %8.0f us  p99 %8.0f us  errors %d%n",
        m.name(), m.concurrency(), m.perSecond(), m.p50(), m.p99(), m.errors());
    results.add(m);
    return m;
  }

  private static double ratio(Measurement over, Measurement under) {
    return Math.round(over.perSecond() / under.perSecond() * 1000) / 1000.0;
  }

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
        .put("results", rows).put("ratios", ratios).put("notes", new JsonArray(notes));
    Files.writeString(dir.resolve("agent-" + stamp + ".json"), json.encodePrettily());
    StringBuilder md = new StringBuilder("# Agent benchmark " + stamp + "\n\n")
        .append(String.format(Locale.ROOT, "%d CPUs, Java %s, %.0f s per case, agent with %d inference threads, "
            + "sessions with 1 intra-op and 1 inter-op thread; load generator in the same process on its own Vert.x.%n%n",
            Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), seconds, INFER_THREADS))
        .append("| case | concurrency | calls/s | p50 µs | p99 µs | p99.9 µs | errors |\n|---|---|---|---|---|---|---|\n");
    for (Measurement m : results) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f | %.0f | %d |%n", m.name(),
          m.concurrency(), m.perSecond(), m.p50(), m.p99(), m.p999(), m.errors()));
    }
    md.append("\n| ratio | value |\n|---|---|\n");
    ratios.forEach(e -> md.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n"));
    md.append('\n');
    notes.forEach(n -> md.append("- ").append(n).append('\n'));
    Files.writeString(dir.resolve("agent-" + stamp + ".md"), md.toString());
    System.out.println(md);
  }
}
