package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.Tensor;
import java.util.List;
import java.util.Set;

/**
 * A decoded and validated inference request, independent of its wire encoding.
 *
 * @param id the caller's request id, echoed in the response; may be null
 * @param outputs the outputs to return, in the model's order
 * @param binaryOutputs the outputs to return as binary data (binary tensor extension)
 */
record InferRequest(String id, List<Tensor> inputs, Set<String> outputs, Set<String> binaryOutputs) {
  InferRequest(String id, List<Tensor> inputs, Set<String> outputs) {
    this(id, inputs, outputs, Set.of());
  }
}
