package io.mmaas.onnx;

import java.util.List;
import java.util.Objects;

/**
 * What the control plane stores about a model version: enough to route and check requests and to pick a runtime,
 * without keeping the model in memory.
 *
 * @param externalDataLocations distinct external-data file locations, relative to the model's folder, in the order
 *     first met; all were checked to be safe relative paths
 */
public record ModelSignature(
    long irVersion,
    List<OpsetImport> opsets,
    String producerName,
    List<TensorInfo> inputs,
    List<TensorInfo> outputs,
    List<String> externalDataLocations) {
  public ModelSignature {
    opsets = List.copyOf(opsets);
    Objects.requireNonNull(producerName, "producerName");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    externalDataLocations = List.copyOf(externalDataLocations);
  }
}
