package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.Tensor;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * OIP request body ⇄ {@link InferRequest} / output tensors, for one loaded model: plain JSON, or the binary tensor
 * extension (a JSON header of {@code Inference-Header-Content-Length} bytes followed by the binary inputs in input
 * order). CPU-bound: run it on a worker.
 */
final class InferCodec {
  private InferCodec() {}

  /** Decodes a plain JSON request. */
  static InferRequest decode(byte[] body, LoadedModel model) throws InvalidInputException {
    return decode(body, body.length, -1, model);
  }

  /**
   * Decodes {@code body[0, length)}.
   *
   * @param headerLength the Inference-Header-Content-Length, or -1 when the whole body is JSON
   */
  static InferRequest decode(byte[] body, int length, long headerLength, LoadedModel model)
      throws InvalidInputException {
    if (headerLength > length) {
      throw new InvalidInputException("Inference-Header-Content-Length " + headerLength
          + " is larger than the body (" + length + " bytes)");
    }
    int jsonLength = headerLength < 0 ? length : (int) headerLength;
    JsonInferRequestReader.Parsed parsed = JsonInferRequestReader.read(body, jsonLength);
    List<JsonInferRequestReader.JsonInput> inputs = parsed.inputs();
    int[] offsets = binaryOffsets(inputs, headerLength, length);
    List<InputHeader> headers = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      JsonInferRequestReader.JsonInput input = inputs.get(i);
      InputHeader header = input.header();
      if (input.binary()) {
        header = new InputHeader(header.name(), header.datatype(), header.shape(), binaryElements(input, body, offsets[i]));
      }
      headers.add(header);
    }
    int[] counts = RequestValidator.checkInputs(headers, model);
    List<String> requested = parsed.outputs() == null
        ? null
        : parsed.outputs().stream().map(JsonInferRequestReader.OutputRequest::name).toList();
    Set<String> outputs = RequestValidator.checkOutputs(requested, model);
    List<Tensor> tensors = new ArrayList<>(headers.size());
    for (int i = 0; i < headers.size(); i++) {
      JsonInferRequestReader.JsonInput input = inputs.get(i);
      DataType type = RequestValidator.spec(model, input.header().name()).datatype();
      tensors.add(input.binary()
          ? BinaryTensors.decode(input.header().name(), type, input.header().shape(), body, offsets[i],
              (int) input.binarySize(), counts[i])
          : JsonTensorDecoder.decode(body, input, type, counts[i]));
    }
    return new InferRequest(parsed.id(), tensors, outputs, binaryOutputs(parsed, outputs));
  }

  /** Where each binary input's bytes start; checks that the sizes add up to the binary part exactly. */
  private static int[] binaryOffsets(List<JsonInferRequestReader.JsonInput> inputs, long headerLength, int length)
      throws InvalidInputException {
    int[] offsets = new int[inputs.size()];
    long cursor = Math.max(0, headerLength);
    for (int i = 0; i < inputs.size(); i++) {
      JsonInferRequestReader.JsonInput input = inputs.get(i);
      if (!input.binary()) {
        continue;
      }
      if (headerLength < 0) {
        throw new InvalidInputException("input '" + input.header().name()
            + "' has binary_data_size but the request has no Inference-Header-Content-Length header");
      }
      if (input.binarySize() > length - cursor) {
        throw new InvalidInputException("binary_data_size of input '" + input.header().name() + "' ("
            + input.binarySize() + ") runs past the end of the body");
      }
      offsets[i] = (int) cursor;
      cursor += input.binarySize();
    }
    if (headerLength >= 0 && cursor != length) {
      throw new InvalidInputException("the binary inputs' binary_data_size add up to " + (cursor - headerLength)
          + " bytes but the body holds " + (length - headerLength) + " bytes after the JSON header");
    }
    return offsets;
  }

  private static long binaryElements(JsonInferRequestReader.JsonInput input, byte[] body, int offset)
      throws InvalidInputException {
    InputHeader header = input.header();
    DataType type = DataType.fromOip(header.datatype()).orElse(null);
    if (type == null) {
      return 0; // the validator reports the datatype
    }
    return BinaryTensors.elementCount(header.name(), type, body, offset, (int) input.binarySize());
  }

  private static Set<String> binaryOutputs(JsonInferRequestReader.Parsed parsed, Set<String> outputs) {
    Set<String> binary = new HashSet<>();
    for (String name : outputs) {
      boolean wanted = parsed.binaryOutput();
      if (parsed.outputs() != null) {
        for (JsonInferRequestReader.OutputRequest request : parsed.outputs()) {
          if (request.name().equals(name) && request.binary() != null) {
            wanted = request.binary();
          }
        }
      }
      if (wanted) {
        binary.add(name);
      }
    }
    return binary;
  }

  /** Encodes a response; binary outputs go after the JSON header. */
  static InferResponseWriter.Encoded encode(ModelNames names, String id, List<Tensor> outputs, Set<String> binary) {
    return InferResponseWriter.write(names, id, outputs, binary);
  }

  /** Encodes an all-JSON response. */
  static Buffer encode(ModelNames names, String id, List<Tensor> outputs) {
    return encode(names, id, outputs, Set.of()).body();
  }
}
