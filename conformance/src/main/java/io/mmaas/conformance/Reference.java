package io.mmaas.conformance;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelLoadException;
import io.mmaas.agent.runtime.OrtModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.runtime.TensorSpec;
import io.mmaas.onnx.OnnxTestCase;
import io.mmaas.onnx.TensorProto;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs a test case in this process with the agent's own ONNX Runtime classes ({@link OrtModelRuntime} on the CPU,
 * one thread, no warm-up) and compares the outputs with the expected ones: the in-process reference that decides
 * which cases the served platform must answer correctly.
 */
public final class Reference implements AutoCloseable {
  /** Why a run ended; only {@link #CORRECT} puts a case in scope. */
  public enum Status { LOAD_FAILED, RUN_FAILED, WRONG, CORRECT }

  /** The outcome of one case; {@code reason} is null when CORRECT. */
  public record Outcome(Status status, String reason) {}

  private final OrtModelRuntime runtime = new OrtModelRuntime(ExecutionProviderPreference.CPU);
  private int runs;

  /** Loads, runs test_data_set_0 and unloads the case's model. */
  public Outcome run(OnnxTestCase c) {
    String replica = "conformance-" + (runs++);
    LoadedModel loaded;
    try {
      loaded = runtime.load(replica, c.model(), new RuntimeOptions(1, 1), false);
    } catch (ModelLoadException | RuntimeException e) {
      return new Outcome(Status.LOAD_FAILED, oneLine(e));
    }
    try {
      List<Tensor> inputs = new ArrayList<>();
      for (TensorProto t : c.inputData()) {
        inputs.add(Tensors.toRuntime(t));
      }
      Set<String> wanted = new LinkedHashSet<>();
      for (TensorSpec s : loaded.outputs()) {
        wanted.add(s.name());
      }
      List<Tensor> outputs = runtime.infer(replica, inputs, wanted);
      List<TensorProto> got = outputs.stream().map(Tensors::fromRuntime).toList();
      String wrong = compare(c.expected(), got);
      return wrong == null ? new Outcome(Status.CORRECT, null) : new Outcome(Status.WRONG, wrong);
    } catch (Exception e) {
      return new Outcome(Status.RUN_FAILED, oneLine(e));
    } finally {
      runtime.unload(replica);
    }
  }

  /** Null when every expected output is in {@code got} (by name) and matches. */
  static String compare(List<TensorProto> expected, List<TensorProto> got) {
    Map<String, TensorProto> byName = got.stream()
        .collect(Collectors.toMap(TensorProto::name, Function.identity(), (a, b) -> a));
    for (TensorProto e : expected) {
      TensorProto g = byName.get(e.name());
      if (g == null) {
        return "output '" + e.name() + "' missing from the answer";
      }
      String wrong = TensorMatch.mismatch(e, g);
      if (wrong != null) {
        return wrong;
      }
    }
    return null;
  }

  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    m = m.replaceAll("\\s+", " ").trim();
    return m.length() > 300 ? m.substring(0, 300) + "…" : m;
  }

  @Override
  public void close() {
    runtime.close();
  }
}
