package io.mmaas.agent.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hosts model sessions keyed by replica id. All methods block and are thread-safe; callers keep them off event
 * loops. Implementations: {@link OrtModelRuntime} (ONNX Runtime, CUDA or CPU).
 */
public interface ModelRuntime extends AutoCloseable {

  /**
   * Loads and warms up {@code onnxFile} as {@code replicaId}.
   *
   * @throws ModelLoadException with the reason to report (invalid model, unsupported feature, runtime error)
   */
  LoadedModel load(String replicaId, Path onnxFile, RuntimeOptions options) throws ModelLoadException;

  /**
   * Loads as {@link #load(String, Path, RuntimeOptions)}, with or without the runtime's own warm-up run (a model host
   * runs warm-up itself, as a phase of its own). Runtimes without a warm-up of their own ignore the flag.
   */
  default LoadedModel load(String replicaId, Path onnxFile, RuntimeOptions options, boolean warmUp)
      throws ModelLoadException {
    return load(replicaId, onnxFile, options);
  }

  /** Closes the replica's session once calls in progress on it finish; unknown ids are ignored. */
  void unload(String replicaId);

  /** The loaded replica, if any. */
  Optional<LoadedModel> find(String replicaId);

  /**
   * Runs the replica. Inputs must already be validated against {@link LoadedModel#inputs()}; outputs are returned
   * in the model's order.
   *
   * @param outputs names of the outputs wanted, all of them from {@link LoadedModel#outputs()}
   */
  List<Tensor> infer(String replicaId, List<Tensor> inputs, Set<String> outputs)
      throws ModelNotLoadedException, InferenceException;

  /** Bytes attributed to the replica when it was loaded; 0 when it is not loaded. */
  long memoryUsed(String replicaId);

  /** The agent's execution provider: "CUDA" or "CPU". */
  String executionProvider();

  /** The providers this node can run, best first: ["CUDA", "CPU"] or ["CPU"]. */
  List<String> availableProviders();

  /** Unloads every replica. */
  @Override
  void close();
}
