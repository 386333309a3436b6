package io.mmaas.onnx;

import java.util.List;
import java.util.Objects;

/**
 * What the control plane stores about a model version: enough to route and check requests and to pick a runtime,
 * without keeping the model in memory.
 *
 * @param externalDataLocations distinct external-data file locations, relative to the model's folder, in the order
 *     first met; all were checked to be safe relative paths
 * @param opTypes the operator types of every node, subgraphs and functions included
 */
public record ModelSignature(
    long irVersion,
    List<OpsetImport> opsets,
    String producerName,
    List<TensorInfo> inputs,
    List<TensorInfo> outputs,
    List<String> externalDataLocations,
    java.util.Set<String> opTypes) {
  public ModelSignature {
    opsets = List.copyOf(opsets);
    Objects.requireNonNull(producerName, "producerName");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    externalDataLocations = List.copyOf(externalDataLocations);
    opTypes = java.util.Set.copyOf(opTypes);
  }

  /**
   * Whether the graph divides (Div or Mod nodes, anywhere): an integer division by zero raises SIGFPE and kills the
   * process, so such a model is not warmed up on zeros.
   */
  public boolean divides() {
    return opTypes.contains("Div") || opTypes.contains("Mod");
  }
}
