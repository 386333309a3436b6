package io.mmaas.agent.runtime;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Tensor element types the agent can carry, named as the Open Inference Protocol names them. Numeric types are
 * held in direct, native-order buffers (the form ONNX Runtime reads without a copy); {@link #BYTES} as strings.
 */
public enum DataType {
  BOOL(1),
  UINT8(1),
  INT8(1),
  INT16(2),
  INT32(4),
  INT64(8),
  FP16(2),
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
   * A zero-filled direct buffer in native byte order for {@code count} elements: a {@link ByteBuffer} for 1-byte
   * types, {@code ShortBuffer} for INT16 and FP16 (raw half-float bits), {@code IntBuffer}, {@code LongBuffer},
   * {@code FloatBuffer} or {@code DoubleBuffer} otherwise.
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
    ByteBuffer raw = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    return switch (this) {
      case BOOL, UINT8, INT8 -> raw;
      case INT16, FP16 -> raw.asShortBuffer();
      case INT32 -> raw.asIntBuffer();
      case INT64 -> raw.asLongBuffer();
      case FP32 -> raw.asFloatBuffer();
      case FP64 -> raw.asDoubleBuffer();
      case BYTES -> throw new AssertionError();
    };
  }
}
