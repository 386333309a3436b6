package io.mmaas.agent.runtime;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Tensor element types the agent can carry, named as the Open Inference Protocol names them: exactly the types
 * onnx-format's {@code ElementTypes} lets through at upload. Numeric types are held in direct, native-order buffers
 * (the form ONNX Runtime reads without a copy); {@link #BYTES} as strings. Unsigned types share the buffer kind of the
 * signed type of the same width (UINT64 in a {@code LongBuffer}, holding the same bits), FP16 and BF16 are raw 16-bit
 * patterns in a {@code ShortBuffer}.
 */
public enum DataType {
  BOOL(1),
  UINT8(1),
  INT8(1),
  UINT16(2),
  INT16(2),
  UINT32(4),
  INT32(4),
  UINT64(8),
  INT64(8),
  FP16(2),
  BF16(2),
  FP32(4),
  FP64(8),
  BYTES(0);

  private final int elementBytes;

  DataType(int elementBytes) {
    this.elementBytes = elementBytes;
  }

  /** Bytes per element in a buffer; 0 for {@link #BYTES}, which is not held in a buffer. */
  public int elementBytes() {
    return elementBytes;
  }

  /** The type for an OIP datatype name, if the agent supports it. */
  public static Optional<DataType> fromOip(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (DataType type : values()) {
      if (type.name().equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /**
   * A zero-filled direct buffer in native byte order for {@code count} elements, of the kind {@link #view} gives.
   *
   * @throws IllegalArgumentException for {@link #BYTES} or a count whose byte size does not fit a buffer
   */
  public Buffer allocate(int count) {
    if (this == BYTES) {
      throw new IllegalArgumentException("BYTES tensors are not held in buffers");
    }
    long bytes = (long) count * elementBytes;
    if (count < 0 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot allocate " + count + " elements of " + this);
    }
    return view(ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()));
  }

  /**
   * The typed view of {@code raw} this type is held in: the {@link ByteBuffer} itself for 1-byte types,
   * {@code ShortBuffer} for INT16, UINT16, FP16 and BF16, {@code IntBuffer} for INT32 and UINT32, {@code LongBuffer}
   * for INT64 and UINT64, {@code FloatBuffer} or {@code DoubleBuffer}.
   */
  public Buffer view(ByteBuffer raw) {
    return switch (this) {
      case BOOL, UINT8, INT8 -> raw;
      case INT16, UINT16, FP16, BF16 -> raw.asShortBuffer();
      case INT32, UINT32 -> raw.asIntBuffer();
      case INT64, UINT64 -> raw.asLongBuffer();
      case FP32 -> raw.asFloatBuffer();
      case FP64 -> raw.asDoubleBuffer();
      case BYTES -> throw new IllegalArgumentException("BYTES tensors are not held in buffers");
    };
  }
}
