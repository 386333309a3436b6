package io.mmaas.conformance;

import io.mmaas.onnx.ElementTypes;
import io.mmaas.onnx.TensorProto;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Open Inference Protocol bodies in the binary tensor extension (as KServe and Triton clients send them): every
 * input's elements raw after the JSON header, every output asked for in binary, so FP16/BF16 bit patterns, NaN and
 * infinities and arbitrary strings cross the wire exactly.
 */
public final class OipBinary {
  private OipBinary() {}

  /** A request body and the value of its {@code Inference-Header-Content-Length} header. */
  public record Request(Buffer body, int headerLength) {}

  /** The request for {@code inputs}, all outputs in binary. */
  public static Request request(List<TensorProto> inputs) {
    JsonArray specs = new JsonArray();
    Buffer tail = Buffer.buffer();
    for (TensorProto t : inputs) {
      int before = tail.length();
      if (t.elemType() == TensorProto.STRING) {
        for (byte[] s : t.strings()) {
          tail.appendIntLE(s.length).appendBytes(s);
        }
      } else {
        tail.appendBytes(t.data());
      }
      JsonArray shape = new JsonArray();
      for (long d : t.dims()) {
        shape.add(d);
      }
      specs.add(new JsonObject().put("name", t.name()).put("datatype", t.oipDatatype()).put("shape", shape)
          .put("parameters", new JsonObject().put("binary_data_size", tail.length() - before)));
    }
    Buffer header = new JsonObject().put("inputs", specs)
        .put("parameters", new JsonObject().put("binary_data_output", true)).toBuffer();
    return new Request(Buffer.buffer().appendBuffer(header).appendBuffer(tail), header.length());
  }

  /**
   * The outputs of a binary answer ({@code headerLength} from its {@code Inference-Header-Content-Length}; null when
   * the answer is plain JSON, which fails here since binary was asked for).
   */
  public static List<TensorProto> outputs(Buffer body, String headerLength) {
    if (headerLength == null) {
      throw new IllegalArgumentException("the answer is not in the binary tensor extension: " + abbreviate(body));
    }
    int headerEnd = Integer.parseInt(headerLength);
    JsonObject header = new JsonObject(body.getBuffer(0, headerEnd));
    int at = headerEnd;
    List<TensorProto> out = new ArrayList<>();
    for (Object o : header.getJsonArray("outputs")) {
      JsonObject spec = (JsonObject) o;
      String name = spec.getString("name");
      JsonObject params = spec.getJsonObject("parameters");
      if (params == null || params.getInteger("binary_data_size") == null) {
        throw new IllegalArgumentException("output '" + name + "' came back without binary_data_size");
      }
      int size = params.getInteger("binary_data_size");
      byte[] bytes = body.getBytes(at, at + size);
      at += size;
      long[] dims = spec.getJsonArray("shape").stream().mapToLong(d -> ((Number) d).longValue()).toArray();
      int type = ElementTypes.fromOip(spec.getString("datatype"));
      if (type == TensorProto.STRING) {
        List<byte[]> strings = new ArrayList<>();
        for (int i = 0; i < bytes.length; ) {
          int len = Buffer.buffer(bytes).getIntLE(i);
          strings.add(java.util.Arrays.copyOfRange(bytes, i + 4, i + 4 + len));
          i += 4 + len;
        }
        out.add(new TensorProto(name, type, dims, null, strings));
      } else {
        out.add(new TensorProto(name, type, dims, bytes, null));
      }
    }
    return out;
  }

  static String abbreviate(Buffer body) {
    String s = body.toString().replaceAll("\\s+", " ");
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
