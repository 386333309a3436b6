package io.mmaas.agent.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a small ONNX model with two outputs, which the shared generators do not offer: input "x" FP32
 * [batch, 3] → "same" = Identity(x) and "negated" = Neg(x). A minimal protobuf writer, enough for this graph.
 */
public final class TwinOutputModel {
  private static final int FLOAT = 1;

  private TwinOutputModel() {}

  public static byte[] bytes() {
    Proto graph = new Proto()
        .message(1, node("Identity", "x", "same"))
        .message(1, node("Neg", "x", "negated"))
        .string(2, "twins")
        .message(11, value("x"))
        .message(12, value("same"))
        .message(12, value("negated"));
    return new Proto()
        .varint(1, 8) // ir_version
        .string(2, "mmaas-agent-tests")
        .message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 13)) // opset_import ai.onnx 13
        .toBytes();
  }

  private static Proto node(String op, String input, String output) {
    return new Proto().string(1, input).string(2, output).string(3, op + "_" + output).string(4, op);
  }

  private static Proto value(String name) {
    Proto shape = new Proto()
        .message(1, new Proto().string(2, "batch"))
        .message(1, new Proto().varint(1, 3));
    Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** Protobuf wire format: varint and length-delimited fields only. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long value) {
      writeVarint((long) field << 3);
      writeVarint(value);
      return this;
    }

    Proto string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Proto message(int field, Proto message) {
      return bytes(field, message.toBytes());
    }

    private Proto bytes(int field, byte[] value) {
      writeVarint(((long) field << 3) | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    private void writeVarint(long value) {
      while ((value & ~0x7fL) != 0) {
        out.write((int) ((value & 0x7f) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }

    byte[] toBytes() {
      return out.toByteArray();
    }
  }
}
