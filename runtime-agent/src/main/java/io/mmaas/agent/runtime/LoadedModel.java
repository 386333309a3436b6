package io.mmaas.agent.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A replica whose session is loaded and warmed up.
 *
 * @param inputs every input the session requires, in the model's order
 * @param outputs the outputs the agent can serve (tensor outputs of a supported type), in the model's order
 * @param executionProvider "CUDA" or "CPU": where this session runs
 * @param memoryBytes the best-effort memory estimate taken at load (see {@link ModelRuntime#memoryUsed})
 */
public record LoadedModel(
    String replicaId, List<TensorSpec> inputs, List<TensorSpec> outputs, String executionProvider, long memoryBytes) {
  public LoadedModel {
    Objects.requireNonNull(replicaId, "replicaId");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    Objects.requireNonNull(executionProvider, "executionProvider");
  }
}
