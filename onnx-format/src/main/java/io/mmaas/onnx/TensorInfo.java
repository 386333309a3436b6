package io.mmaas.onnx;

import java.util.List;
import java.util.Objects;

/**
 * One graph input or output, described the way inference requests describe tensors, so the control plane can
 * check requests without loading the model.
 *
 * @param name the graph input or output name
 * @param datatype an Open Inference Protocol name: BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64,
 *     FP16, FP32, FP64, BYTES, BF16
 * @param shape -1 for a dynamic or symbolic dimension; an empty list for a scalar
 */
public record TensorInfo(String name, String datatype, List<Long> shape) {
  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    shape = List.copyOf(shape);
  }
}
