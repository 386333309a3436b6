package io.mmaas.agent.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A replica whose session is loaded and warmed up.
 *
 * @param inputs every input the session requires, in the model's order
 * @param outputs the outputs the agent can serve (tensor outputs of a supported type), in the model's order
 * @param executionProvider "CUDA" or "CPU": where this session runs
 * @param memoryBytes the best-effort memory estimate taken after warm-up (see {@link ModelRuntime#memoryUsed})
 * @param options the settings the session was created with (the serving layer reads the batching ones)
 */
public record LoadedModel(
    String replicaId,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    String executionProvider,
    long memoryBytes,
    RuntimeOptions options) {
  public LoadedModel {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(replicaId, "replicaId");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(executionProvider, "executionProvider");
  }

  /**
   * True when requests can be concatenated along the first dimension: every input and output has a dynamic first
   * dimension and no input is a scalar.
   */
  public boolean batchable() {
    return !inputs.isEmpty()
        && inputs.stream().allMatch(LoadedModel::dynamicFirst)
        && outputs.stream().allMatch(LoadedModel::dynamicFirst);
  }

  private static boolean dynamicFirst(TensorSpec spec) {
    return !spec.shape().isEmpty() && spec.shape().get(0) < 0;
  }
}
