package io.mmaas.agent.runtime;

import java.nio.Buffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor crossing the runtime seam: numeric data in a direct buffer positioned at 0 with exactly
 * {@link #elementCount()} elements remaining, or string data for {@link DataType#BYTES}. The buffer is shared, not
 * copied; treat a tensor as read-only once built.
 */
public final class Tensor {
  private final String name;
  private final DataType datatype;
  private final long[] shape;
  private final Buffer buffer;
  private final String[] strings;

  private Tensor(String name, DataType datatype, long[] shape, Buffer buffer, String[] strings) {
    this.name = Objects.requireNonNull(name, "name");
    this.datatype = Objects.requireNonNull(datatype, "datatype");
    this.shape = shape.clone();
    this.buffer = buffer;
    this.strings = strings;
    long count = elementCount(shape);
    long held = buffer != null ? buffer.remaining() : strings.length;
    if (held != count) {
      throw new IllegalArgumentException(
          "tensor " + name + " has shape " + Arrays.toString(shape) + " but holds " + held + " elements");
    }
  }

  /** A numeric tensor over {@code data}, which must match {@link DataType#allocate(int)}'s buffer kind. */
  public static Tensor numeric(String name, DataType datatype, long[] shape, Buffer data) {
    if (datatype == DataType.BYTES) {
      throw new IllegalArgumentException("use Tensor.strings for BYTES");
    }
    return new Tensor(name, datatype, shape, Objects.requireNonNull(data, "data"), null);
  }

  /** A BYTES tensor holding one string per element. */
  public static Tensor strings(String name, long[] shape, String[] data) {
    return new Tensor(name, DataType.BYTES, shape, null, Objects.requireNonNull(data, "data"));
  }

  /** The product of the dimensions (1 for a scalar); fails on a negative dimension or overflow. */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  public String name() {
    return name;
  }

  public DataType datatype() {
    return datatype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    return elementCount(shape);
  }

  /** The numeric data (a view positioned at 0); throws for BYTES tensors. */
  public Buffer buffer() {
    if (buffer == null) {
      throw new IllegalStateException("tensor " + name + " is BYTES; use strings()");
    }
    return buffer.duplicate();
  }

  /** The string data; throws for numeric tensors. */
  public String[] strings() {
    if (strings == null) {
      throw new IllegalStateException("tensor " + name + " is numeric; use buffer()");
    }
    return strings.clone();
  }

  @Override
  public String toString() {
    return "Tensor[" + name + " " + datatype + " " + Arrays.toString(shape) + "]";
  }
}
