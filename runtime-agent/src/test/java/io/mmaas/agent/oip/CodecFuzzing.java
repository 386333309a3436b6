package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.RuntimeOptions;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.agent.runtime.TensorSpec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the two codec fuzz targets share: the models a fuzz input picks from by its first byte (a digit picks the
 * model of that index), and the contract an accepted request must meet. Models are declared, not loaded: the codec
 * only reads their signatures.
 */
final class CodecFuzzing {
  static final List<LoadedModel> MODELS = List.of(
      model(spec("x", DataType.FP32, -1, 4)),
      model(spec("x", DataType.INT64, -1, -1, -1)),
      model(spec("x", DataType.BYTES, -1)),
      model(spec("x", DataType.BOOL, 2, 2)),
      model(spec("x", DataType.FP16, -1), spec("y", DataType.UINT64, -1, -1)),
      model(spec("x", DataType.INT8, -1, -1), spec("y", DataType.BF16, 3), spec("z", DataType.FP64)));

  private CodecFuzzing() {}

  static LoadedModel pick(byte selector) {
    return MODELS.get(Math.floorMod(selector, MODELS.size()));
  }

  /** An accepted request holds exactly the model's inputs, each consistent with its shape, and can be answered. */
  static void checkAccepted(InferRequest request, LoadedModel model) {
    assertThat(request.inputs()).hasSameSizeAs(model.inputs());
    for (Tensor tensor : request.inputs()) {
      long count = Tensor.elementCount(tensor.shape());
      assertThat(count).isLessThanOrEqualTo(RequestValidator.MAX_ELEMENTS);
      assertThat(tensor.datatype() == DataType.BYTES ? tensor.strings().length : tensor.buffer().remaining())
          .isEqualTo(count);
    }
    // answering the inputs back as outputs must work in both encodings
    Set<String> binary = new HashSet<>();
    request.inputs().stream().skip(1).forEach(t -> binary.add(t.name()));
    ModelNames names = new ModelNames("fuzz", "1");
    InferResponseWriter.Encoded encoded = InferCodec.encode(names, request.id(), request.inputs(), binary);
    Buffer body = encoded.body();
    Buffer header = encoded.binary() ? body.getBuffer(0, encoded.headerLength()) : body;
    JsonObject json = new JsonObject(header);
    assertThat(json.getString("id")).isEqualTo(request.id());
    assertThat(json.getJsonArray("outputs")).hasSize(request.inputs().size());
  }

  private static LoadedModel model(TensorSpec... inputs) {
    List<TensorSpec> outputs = java.util.Arrays.stream(inputs)
        .map(s -> new TensorSpec(s.name() + "_out", s.datatype(), s.shape())).toList();
    return new LoadedModel("fuzz-replica", List.of(inputs), outputs, "CPU", 0, RuntimeOptions.DEFAULT);
  }

  private static TensorSpec spec(String name, DataType type, long... shape) {
    return new TensorSpec(name, type, java.util.Arrays.stream(shape).boxed().toList());
  }
}
