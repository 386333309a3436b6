package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.Tensor;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** OIP JSON ⇄ {@link InferRequest} / output tensors, for one loaded model. CPU-bound: run it on a worker. */
final class JsonInferCodec {
  private JsonInferCodec() {}

  static InferRequest decode(byte[] body, LoadedModel model) throws InvalidInputException {
    JsonInferRequestReader.Parsed parsed = JsonInferRequestReader.read(body);
    List<InputHeader> headers = parsed.inputs().stream().map(JsonInferRequestReader.JsonInput::header).toList();
    int[] counts = RequestValidator.checkInputs(headers, model);
    Set<String> outputs = RequestValidator.checkOutputs(parsed.outputs(), model);
    List<Tensor> inputs = new ArrayList<>(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      JsonInferRequestReader.JsonInput input = parsed.inputs().get(i);
      inputs.add(JsonTensorDecoder.decode(
          body, input, RequestValidator.spec(model, input.header().name()).datatype(), counts[i]));
    }
    return new InferRequest(parsed.id(), inputs, outputs);
  }

  static Buffer encode(ModelNames names, String id, List<Tensor> outputs) {
    return JsonInferResponseWriter.write(names, id, outputs);
  }
}
