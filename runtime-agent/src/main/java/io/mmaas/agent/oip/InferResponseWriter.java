package io.mmaas.agent.oip;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mmaas.agent.runtime.Bf16;
import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.Fp16;
import io.mmaas.agent.runtime.Tensor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.List;
import java.util.Set;

/**
 * Writes an OIP response straight from output buffers: {@code model_name}, {@code model_version}, {@code id} when
 * the request had one, and {@code outputs}, each with flat {@code data} or, when asked for as binary, with
 * {@code parameters.binary_data_size} and its bytes after the JSON header (binary tensor extension). Floats are
 * written in their shortest round-trip form, so FP32 values survive exactly; FP16 and BF16 as the numbers they hold;
 * unsigned integers as unsigned numbers (UINT64 exact up to 2^64 - 1).
 */
final class InferResponseWriter {
  /**
   * An encoded response.
   *
   * @param headerLength the JSON header's length when binary data follows it, -1 for a plain JSON body
   */
  record Encoded(Buffer body, int headerLength) {
    boolean binary() {
      return headerLength >= 0;
    }
  }

  private InferResponseWriter() {}

  static Encoded write(ModelNames names, String id, List<Tensor> outputs, Set<String> binary) {
    // Both buffers sized up front: a 196 KB embedding or a 1 MB tensor is then copied into each once, instead of
    // again at every doubling of a buffer that started small.
    int binaryBytes = binaryBytes(outputs, binary);
    Buffer tail = binary.isEmpty() ? null : Buffer.buffer(binaryBytes);
    Buffer out = Buffer.buffer(256 + outputs.size() * 64 + binaryBytes);
    try (JsonGenerator json = JsonSupport.FACTORY.createGenerator(new BufferOutput(out))) {
      json.writeStartObject();
      json.writeStringField("model_name", names.name());
      json.writeStringField("model_version", names.version());
      if (id != null) {
        json.writeStringField("id", id);
      }
      json.writeArrayFieldStart("outputs");
      for (Tensor tensor : outputs) {
        json.writeStartObject();
        json.writeStringField("name", tensor.name());
        json.writeStringField("datatype", tensor.datatype().name());
        json.writeArrayFieldStart("shape");
        for (long dim : tensor.shape()) {
          json.writeNumber(dim);
        }
        json.writeEndArray();
        if (tail != null && binary.contains(tensor.name())) {
          json.writeObjectFieldStart("parameters");
          json.writeNumberField("binary_data_size", BinaryTensors.encode(tensor, tail));
          json.writeEndObject();
        } else {
          json.writeArrayFieldStart("data");
          writeData(json, tensor);
          json.writeEndArray();
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    if (tail == null) {
      return new Encoded(out, -1);
    }
    int headerLength = out.length();
    return new Encoded(out.appendBuffer(tail), headerLength);
  }

  private static void writeData(JsonGenerator json, Tensor tensor) throws IOException {
    switch (tensor.datatype()) {
      case FP32 -> {
        FloatBuffer data = (FloatBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(data.get(i));
        }
      }
      case FP64 -> {
        DoubleBuffer data = (DoubleBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(data.get(i));
        }
      }
      case FP16 -> {
        ShortBuffer data = (ShortBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(Fp16.toFloat(data.get(i)));
        }
      }
      case BF16 -> {
        ShortBuffer data = (ShortBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(Bf16.toFloat(data.get(i)));
        }
      }
      case INT64 -> {
        LongBuffer data = (LongBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(data.get(i));
        }
      }
      case UINT64 -> {
        LongBuffer data = (LongBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          long value = data.get(i);
          if (value >= 0) {
            json.writeNumber(value);
          } else {
            json.writeNumber(Long.toUnsignedString(value)); // exact: 2^63 .. 2^64 - 1, written as a JSON number
          }
        }
      }
      case INT32 -> {
        IntBuffer data = (IntBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(data.get(i));
        }
      }
      case UINT32 -> {
        IntBuffer data = (IntBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(Integer.toUnsignedLong(data.get(i)));
        }
      }
      case INT16 -> {
        ShortBuffer data = (ShortBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(data.get(i));
        }
      }
      case UINT16 -> {
        ShortBuffer data = (ShortBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          json.writeNumber(Short.toUnsignedInt(data.get(i)));
        }
      }
      case INT8, UINT8, BOOL -> {
        ByteBuffer data = (ByteBuffer) tensor.buffer();
        for (int i = 0; i < data.limit(); i++) {
          byte b = data.get(i);
          switch (tensor.datatype()) {
            case INT8 -> json.writeNumber(b);
            case UINT8 -> json.writeNumber(b & 0xff);
            default -> json.writeBoolean(b != 0);
          }
        }
      }
      case BYTES -> {
        for (String s : tensor.strings()) {
          json.writeString(s);
        }
      }
    }
  }

  /** The bytes the binary outputs will take (strings, whose size encoding finds out, count as none). */
  private static int binaryBytes(List<Tensor> outputs, Set<String> binary) {
    long bytes = 0;
    for (Tensor tensor : outputs) {
      if (binary.contains(tensor.name()) && tensor.datatype() != DataType.BYTES) {
        bytes += tensor.elementCount() * tensor.datatype().elementBytes();
      }
    }
    return (int) Math.min(bytes, Integer.MAX_VALUE - 1_024);
  }

  /** Appends to a Vert.x buffer, avoiding a second copy of the response. */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }
}
