package io.mmaas.onnx;

import java.util.Arrays;
import java.util.List;

/**
 * One decoded ONNX {@code TensorProto}: its name, element type and dimensions, and its elements either as raw
 * little-endian bytes in row-major order ({@link #data}, the form of {@code raw_data} and of the binary tensor
 * extension) or, for strings, as one byte array per element ({@link #strings}).
 *
 * @param elemType the ONNX element type (1 FLOAT, 7 INT64, 8 STRING, 10 FLOAT16, 16 BFLOAT16, …)
 */
public record TensorProto(String name, int elemType, long[] dims, byte[] data, List<byte[]> strings) {
  public static final int STRING = 8;

  public TensorProto {
    dims = dims.clone();
  }

  /** The product of the dimensions (1 for a scalar). */
  public long elementCount() {
    long n = 1;
    for (long d : dims) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The Open Inference Protocol datatype name, or null when the platform cannot serve the element type. */
  public String oipDatatype() {
    return ElementTypes.toOip(elemType);
  }

  /**
   * Bytes per element for the fixed-size types {@link TensorProtoReader} can decode; 0 for STRING, -1 for types it
   * does not decode (4-bit types are packed two to a byte).
   */
  public static int elementBytes(int elemType) {
    return switch (elemType) {
      case 2, 3, 9, 17, 18, 19, 20 -> 1; // UINT8, INT8, BOOL, FLOAT8 variants
      case 4, 5, 10, 16 -> 2; // UINT16, INT16, FLOAT16, BFLOAT16
      case 1, 6, 12 -> 4; // FLOAT, INT32, UINT32
      case 7, 11, 13, 14 -> 8; // INT64, DOUBLE, UINT64, COMPLEX64
      case 15 -> 16; // COMPLEX128
      case STRING -> 0;
      default -> -1;
    };
  }

  @Override
  public String toString() {
    return "TensorProto[" + name + " type " + elemType + " " + Arrays.toString(dims) + "]";
  }
}
