package io.mmaas.bench.conformance;

import io.mmaas.bench.report.LoadAverage;
import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.AdminApi;
import io.mmaas.bench.system.ControlPlaneProcess;
import io.mmaas.bench.system.Platform;
import io.mmaas.conformance.Conformance;
import io.mmaas.conformance.Conformance.Outcome;
import io.mmaas.conformance.Conformance.Result;
import io.mmaas.conformance.ServedRun;
import io.mmaas.onnx.OnnxTestCase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code java -jar bench-app.jar conformance [--data DIR] [--out DIR] [--limit N] [--filter REGEX] [--batch N]}:
 * every model of ONNX's backend test data (Debian libonnx-testdata: the node, simple and pytorch suites) run
 * in-process with the agent's ONNX Runtime classes, then every one answered correctly there uploaded, deployed and
 * called through a packaged control plane and agent on a fresh database; writes {@code conformance-<time>.md} and
 * {@code .json} with the count of each outcome and every case that is not served correctly with its reason.
 */
public final class ConformanceBench {
  /** Suites of libonnx-testdata that hold models with test data ("real" only holds download links). */
  static final List<String> SUITES = List.of("node", "simple", "pytorch-operator", "pytorch-converted");

  private ConformanceBench() {
  }

  public static void main(String[] args) throws Exception {
    Path data = OnnxTestCase.DEBIAN_NODE_TESTS.getParent();
    Path out = Path.of("bench/results");
    int limit = Integer.MAX_VALUE;
    int batch = 50;
    Pattern filter = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--data" -> data = Path.of(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--limit" -> limit = Integer.parseInt(args[i + 1]);
        case "--batch" -> batch = Integer.parseInt(args[i + 1]);
        case "--filter" -> filter = Pattern.compile(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!Files.isDirectory(data.resolve("node"))) {
      throw new IllegalStateException(data + "/node is missing: install Debian's libonnx-testdata "
          + "(apt-get install -y libonnx-testdata)");
    }
    List<Path> dirs = new ArrayList<>();
    for (String suite : SUITES) {
      if (Files.isDirectory(data.resolve(suite))) {
        for (Path d : OnnxTestCase.list(data.resolve(suite))) {
          if (dirs.size() < limit && (filter == null || filter.matcher(d.getFileName().toString()).find())) {
            dirs.add(d);
          }
        }
      }
    }
    Report report = new Report("conformance", "ONNX backend conformance");
    long started = System.nanoTime();
    List<Result> results;
    try (LoadAverage load = new LoadAverage(); Platform p = Platform.create()) {
      ControlPlaneProcess cp = p.startControlPlane("conformance-cp", Map.of());
      p.startAgent("conformance-agent");
      AdminApi.await("agent enrolled", () -> p.admin().get("/api/v1/agents").getJsonArray("items").size() == 1,
          Duration.ofSeconds(60), p::logs);
      ServedRun served = new ServedRun(new ServedRun.Access(p.admin().http(), cp.adminUrl(), p.admin().token(),
          cp.gatewayUrl()), Duration.ofSeconds(180), System.out::println);
      results = Conformance.run(dirs, served, batch, System.out::println);
      write(report, data, dirs.size(), results, (System.nanoTime() - started) / 1_000_000_000.0);
      report.line("%nMachine: %s.", load.describe());
      report.json().put("loadAverage", load.toJson());
    }
    System.out.println("\nwritten " + report.write(out));
  }

  static void write(Report report, Path data, int found, List<Result> results, double seconds) {
    Map<Outcome, List<Result>> by = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      by.put(o, new ArrayList<>());
    }
    results.forEach(r -> by.get(r.outcome()).add(r));
    int tensors = found - by.get(Outcome.UNREADABLE).size() - by.get(Outcome.SKIPPED_NOT_TENSORS).size();
    int ortLoads = tensors - by.get(Outcome.REFUSED_BY_MODEL_RULES).size() - by.get(Outcome.ORT_LOAD_FAILED).size();
    int inScope = by.get(Outcome.SERVED_CORRECTLY).size() + by.get(Outcome.NOT_SERVED).size();
    report.line("Every model of ONNX's backend test data in `%s` (suites %s), run in-process with the agent's ONNX "
        + "Runtime classes (`OrtModelRuntime`, CPU, no warm-up) on `test_data_set_0`; each one ONNX Runtime answers "
        + "correctly (rtol %s, atol %s; exact for integers, bools, strings) is uploaded through the admin API, "
        + "deployed (one replica; one tenant, so one model host, per batch) on a packaged control plane and agent, and "
        + "called through the gateway with its inputs and outputs in the binary tensor extension.%n", data, SUITES,
        io.mmaas.conformance.TensorMatch.RTOL, io.mmaas.conformance.TensorMatch.ATOL);
    report.line("| | cases |%n|---|---:|");
    report.line("| test cases found | %d |", found);
    report.line("| unreadable | %d |", by.get(Outcome.UNREADABLE).size());
    report.line("| skipped: inputs or outputs not plain tensors | %d |", by.get(Outcome.SKIPPED_NOT_TENSORS).size());
    report.line("| plain-tensor cases | %d |", tensors);
    report.line("| refused by the platform's model rules before ONNX Runtime | %d |",
        by.get(Outcome.REFUSED_BY_MODEL_RULES).size());
    report.line("| ONNX Runtime cannot load | %d |", by.get(Outcome.ORT_LOAD_FAILED).size());
    report.line("| **ONNX Runtime loads** | **%d** |", ortLoads);
    report.line("| ONNX Runtime run fails | %d |", by.get(Outcome.ORT_RUN_FAILED).size());
    report.line("| ONNX Runtime answers outside tolerance | %d |", by.get(Outcome.ORT_WRONG).size());
    report.line("| random-output operators (excepted) | %d |", by.get(Outcome.RANDOM_EXCEPTED).size());
    report.line("| **in scope: ONNX Runtime correct in-process** | **%d** |", inScope);
    report.line("| **served correctly through gateway + agent** | **%d** |", by.get(Outcome.SERVED_CORRECTLY).size());
    report.line("| **in scope but not served correctly** | **%d** |", by.get(Outcome.NOT_SERVED).size());
    report.line("%nWhole run: %.0f s.%n", seconds);
    for (Outcome o : List.of(Outcome.NOT_SERVED, Outcome.UNREADABLE, Outcome.SKIPPED_NOT_TENSORS,
        Outcome.REFUSED_BY_MODEL_RULES, Outcome.ORT_LOAD_FAILED, Outcome.ORT_RUN_FAILED, Outcome.ORT_WRONG,
        Outcome.RANDOM_EXCEPTED)) {
      if (by.get(o).isEmpty()) {
        continue;
      }
      report.line("%n## %s (%d)%n%n| suite | case | reason |%n|---|---|---|", o, by.get(o).size());
      for (Result r : by.get(o)) {
        report.line("| %s | %s | %s |", r.suite(), r.name(), r.reason().replace("|", "\\|"));
      }
    }
    JsonObject counts = new JsonObject().put("found", found).put("plainTensor", tensors).put("ortLoads", ortLoads)
        .put("inScope", inScope);
    by.forEach((o, list) -> counts.put(o.name(), list.size()));
    JsonArray cases = new JsonArray();
    results.forEach(r -> cases.add(new JsonObject().put("suite", r.suite()).put("name", r.name())
        .put("outcome", r.outcome().name()).put("reason", r.reason())));
    report.json().put("data", data.toString()).put("seconds", seconds).put("counts", counts).put("cases", cases);
  }
}
