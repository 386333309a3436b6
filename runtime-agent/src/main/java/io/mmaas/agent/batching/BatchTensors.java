package io.mmaas.agent.batching;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.InferenceException;
import io.mmaas.agent.runtime.Tensor;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Concatenates tensors along the first dimension and splits outputs back, with bulk buffer copies. */
final class BatchTensors {
  private BatchTensors() {}

  /** One tensor holding {@code parts} one after another along dimension 0; all parts share the other dimensions. */
  static Tensor concat(List<Tensor> parts) {
    Tensor first = parts.get(0);
    long[] shape = first.shape();
    long rows = 0;
    long count = 0;
    for (Tensor part : parts) {
      rows += part.shape()[0];
      count += part.elementCount();
    }
    shape[0] = rows;
    DataType type = first.datatype();
    if (type == DataType.BYTES) {
      String[] all = new String[Math.toIntExact(count)];
      int at = 0;
      for (Tensor part : parts) {
        String[] strings = part.strings();
        System.arraycopy(strings, 0, all, at, strings.length);
        at += strings.length;
      }
      return Tensor.strings(first.name(), shape, all);
    }
    Buffer target = type.allocate(Math.toIntExact(count));
    for (Tensor part : parts) {
      put(target, part.buffer());
    }
    return Tensor.numeric(first.name(), type, shape, target.rewind());
  }

  private static void put(Buffer target, Buffer source) {
    if (target instanceof FloatBuffer t) {
      t.put((FloatBuffer) source);
    } else if (target instanceof LongBuffer t) {
      t.put((LongBuffer) source);
    } else if (target instanceof IntBuffer t) {
      t.put((IntBuffer) source);
    } else if (target instanceof ShortBuffer t) {
      t.put((ShortBuffer) source);
    } else if (target instanceof ByteBuffer t) {
      t.put((ByteBuffer) source);
    } else if (target instanceof DoubleBuffer t) {
      t.put((DoubleBuffer) source);
    } else {
      throw new IllegalArgumentException("unexpected buffer " + target);
    }
  }

  /**
   * Splits a batched output into one tensor per request ({@code rows[i]} rows each), as views over the output.
   *
   * @throws InferenceException when the output's first dimension is not the batch's row count (the model does not
   *     keep rows independent, so the batch cannot be split)
   */
  static List<Tensor> split(Tensor output, int[] rows) throws InferenceException {
    long[] shape = output.shape();
    long total = Arrays.stream(rows).asLongStream().sum();
    if (shape.length == 0 || shape[0] != total) {
      throw new InferenceException("output " + output.name() + " has shape " + Arrays.toString(shape)
          + ", which cannot be split into a batch of " + total + " rows", null);
    }
    int rowElements = total == 0 ? 0 : Math.toIntExact(output.elementCount() / total);
    List<Tensor> pieces = new ArrayList<>(rows.length);
    int start = 0;
    String[] strings = output.datatype() == DataType.BYTES ? output.strings() : null;
    Buffer all = strings == null ? output.buffer() : null;
    for (int r : rows) {
      long[] part = shape.clone();
      part[0] = r;
      int from = start * rowElements;
      int to = (start + r) * rowElements;
      if (strings != null) {
        pieces.add(Tensor.strings(output.name(), part, Arrays.copyOfRange(strings, from, to)));
      } else {
        Buffer view = all.duplicate().limit(to).position(from).slice();
        pieces.add(Tensor.numeric(output.name(), output.datatype(), part, view));
      }
      start += r;
    }
    return pieces;
  }
}
