package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.Tensor;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Tensor data of the binary tensor extension: raw little-endian elements in row-major order, and for BYTES each
 * element as a 4-byte little-endian length followed by its bytes. Numeric input is copied once, in bulk, into a
 * direct native-order buffer that ONNX Runtime then uses without a further copy.
 */
final class BinaryTensors {
  private static final boolean NATIVE_LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private BinaryTensors() {}

  /**
   * How many elements {@code size} bytes hold for {@code type}; for BYTES, walks the length prefixes.
   *
   * @throws InvalidInputException when the bytes cannot be whole elements of the type
   */
  static long elementCount(String input, DataType type, byte[] body, int offset, int size)
      throws InvalidInputException {
    if (type != DataType.BYTES) {
      if (size % type.elementBytes() != 0) {
        throw new InvalidInputException("input '" + input + "': binary_data_size " + size
            + " is not a whole number of " + type + " elements (" + type.elementBytes() + " bytes each)");
      }
      return size / type.elementBytes();
    }
    long count = 0;
    int at = offset;
    int end = offset + size;
    while (at < end) {
      if (end - at < 4) {
        throw truncated(input, count);
      }
      long length = Integer.toUnsignedLong(littleInt(body, at));
      at += 4;
      if (length > end - at) {
        throw truncated(input, count);
      }
      at += (int) length;
      count++;
    }
    return count;
  }

  private static InvalidInputException truncated(String input, long element) {
    return new InvalidInputException(
        "input '" + input + "': BYTES element " + element + " runs past the input's binary_data_size");
  }

  /** Decodes a validated binary input whose {@code count} elements lie in {@code body[offset, offset+size)}. */
  static Tensor decode(String name, DataType type, long[] shape, byte[] body, int offset, int size, int count) {
    if (type == DataType.BYTES) {
      String[] strings = new String[count];
      int at = offset;
      for (int i = 0; i < count; i++) {
        int length = littleInt(body, at);
        strings[i] = new String(body, at + 4, length, StandardCharsets.UTF_8);
        at += 4 + length;
      }
      return Tensor.strings(name, shape, strings);
    }
    ByteBuffer direct = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    if (NATIVE_LITTLE || type.elementBytes() == 1) {
      direct.put(body, offset, size).flip();
    } else {
      swapInto(direct, ByteBuffer.wrap(body, offset, size).order(ByteOrder.LITTLE_ENDIAN), type);
    }
    return Tensor.numeric(name, type, shape, type.view(direct));
  }

  private static void swapInto(ByteBuffer target, ByteBuffer little, DataType type) {
    switch (type) {
      case INT16, UINT16, FP16, BF16 -> target.asShortBuffer().put(little.asShortBuffer());
      case INT32, UINT32 -> target.asIntBuffer().put(little.asIntBuffer());
      case INT64, UINT64 -> target.asLongBuffer().put(little.asLongBuffer());
      case FP32 -> target.asFloatBuffer().put(little.asFloatBuffer());
      case FP64 -> target.asDoubleBuffer().put(little.asDoubleBuffer());
      default -> target.put(little);
    }
    target.rewind();
  }

  /** Appends the tensor's elements in wire form to {@code out}; returns the number of bytes appended. */
  static int encode(Tensor tensor, Buffer out) {
    int before = out.length();
    if (tensor.datatype() == DataType.BYTES) {
      for (String s : tensor.strings()) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.appendIntLE(bytes.length).appendBytes(bytes);
      }
      return out.length() - before;
    }
    int count = Math.toIntExact(tensor.elementCount());
    ByteBuffer little = ByteBuffer.allocate(count * tensor.datatype().elementBytes()).order(ByteOrder.LITTLE_ENDIAN);
    java.nio.Buffer data = tensor.buffer();
    switch (tensor.datatype()) {
      case BOOL, UINT8, INT8 -> little.put((ByteBuffer) data);
      case INT16, UINT16, FP16, BF16 -> little.asShortBuffer().put((ShortBuffer) data);
      case INT32, UINT32 -> little.asIntBuffer().put((IntBuffer) data);
      case INT64, UINT64 -> little.asLongBuffer().put((LongBuffer) data);
      case FP32 -> little.asFloatBuffer().put((FloatBuffer) data);
      case FP64 -> little.asDoubleBuffer().put((DoubleBuffer) data);
      case BYTES -> throw new AssertionError();
    }
    out.appendBytes(little.array());
    return out.length() - before;
  }

  private static int littleInt(byte[] bytes, int at) {
    return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16 | (bytes[at + 3] & 0xff) << 24;
  }
}
