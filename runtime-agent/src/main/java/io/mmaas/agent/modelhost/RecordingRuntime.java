package io.mmaas.agent.modelhost;

import io.mmaas.agent.runtime.InferenceException;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.ModelLoadException;
import io.mmaas.agent.runtime.ModelNotLoadedException;
import io.mmaas.agent.runtime.ModelRuntime;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's runtime: the real one, with every load and run marked in the {@link FlightRecorder} under the tag the
 * agent gave the replica, so a crash in native code can be put down to the replica that caused it.
 */
final class RecordingRuntime implements ModelRuntime {
  private final ModelRuntime runtime;
  private final FlightRecorder recorder;
  private final Map<String, Integer> tags = new ConcurrentHashMap<>();

  RecordingRuntime(ModelRuntime runtime, FlightRecorder recorder) {
    this.runtime = runtime;
    this.recorder = recorder;
  }

  /** Remembers the agent's tag for a replica about to be loaded. */
  void tag(String replicaId, int tag) {
    tags.put(replicaId, tag);
  }

  private int tagOf(String replicaId) {
    return tags.getOrDefault(replicaId, -1);
  }

  @Override
  public LoadedModel load(String replicaId, Path onnxFile, RuntimeOptions options) throws ModelLoadException {
    return load(replicaId, onnxFile, options, false);
  }

  @Override
  public LoadedModel load(String replicaId, Path onnxFile, RuntimeOptions options, boolean warmUp)
      throws ModelLoadException {
    recorder.enter(tagOf(replicaId), FlightRecorder.Phase.LOADING);
    try {
      return runtime.load(replicaId, onnxFile, options, warmUp);
    } finally {
      recorder.exit();
    }
  }

  /** Runs the replica once as a warm-up: with the version's samples ({@code synthetic} false) or with zeros. */
  List<Tensor> warmUp(String replicaId, List<Tensor> inputs, Set<String> outputs, boolean synthetic)
      throws ModelNotLoadedException, InferenceException {
    recorder.enter(tagOf(replicaId),
        synthetic ? FlightRecorder.Phase.SYNTHETIC_WARM_UP : FlightRecorder.Phase.WARM_UP);
    try {
      return runtime.infer(replicaId, inputs, outputs);
    } finally {
      recorder.exit();
    }
  }

  @Override
  public void unload(String replicaId) {
    runtime.unload(replicaId);
    tags.remove(replicaId);
  }

  @Override
  public Optional<LoadedModel> find(String replicaId) {
    return runtime.find(replicaId);
  }

  @Override
  public List<Tensor> infer(String replicaId, List<Tensor> inputs, Set<String> outputs)
      throws ModelNotLoadedException, InferenceException {
    recorder.enter(tagOf(replicaId), FlightRecorder.Phase.INFERENCE, io.mmaas.agent.batching.RunningRequest.get());
    try {
      return runtime.infer(replicaId, inputs, outputs);
    } finally {
      recorder.exit();
    }
  }

  @Override
  public long memoryUsed(String replicaId) {
    return runtime.memoryUsed(replicaId);
  }

  @Override
  public String executionProvider() {
    return runtime.executionProvider();
  }

  @Override
  public List<String> availableProviders() {
    return runtime.availableProviders();
  }

  @Override
  public void close() {
    runtime.close();
  }
}
