package io.mmaas.conformance;

import io.mmaas.agent.runtime.DataType;
import io.mmaas.agent.runtime.Tensor;
import io.mmaas.onnx.ElementTypes;
import io.mmaas.onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Conversions between ONNX test tensors ({@link TensorProto}) and the agent's runtime {@link Tensor}. */
final class Tensors {
  private Tensors() {}

  /** The agent's tensor holding {@code t}'s elements; fails for element types the platform does not serve. */
  static Tensor toRuntime(TensorProto t) {
    String oip = t.oipDatatype();
    if (oip == null) {
      throw new IllegalArgumentException("element type " + t.elemType() + " of '" + t.name() + "' is not served");
    }
    DataType type = DataType.valueOf(oip);
    if (type == DataType.BYTES) {
      String[] strings = t.strings().stream().map(s -> new String(s, StandardCharsets.UTF_8)).toArray(String[]::new);
      return Tensor.strings(t.name(), t.dims(), strings);
    }
    ByteBuffer direct = ByteBuffer.allocateDirect(t.data().length).order(ByteOrder.LITTLE_ENDIAN);
    direct.put(t.data()).flip();
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN && type.elementBytes() > 1) {
      throw new IllegalStateException("the conformance run assumes a little-endian machine");
    }
    return Tensor.numeric(t.name(), type, t.dims(), type.view(direct.order(ByteOrder.nativeOrder())));
  }

  /** {@code t}'s elements as a TensorProto (little-endian bytes, or UTF-8 strings). */
  static TensorProto fromRuntime(Tensor t) {
    int elemType = ElementTypes.fromOip(t.datatype().name());
    if (t.datatype() == DataType.BYTES) {
      List<byte[]> strings = new ArrayList<>();
      for (String s : t.strings()) {
        strings.add(s.getBytes(StandardCharsets.UTF_8));
      }
      return new TensorProto(t.name(), elemType, t.shape(), null, strings);
    }
    int count = Math.toIntExact(t.elementCount());
    ByteBuffer little = ByteBuffer.allocate(count * t.datatype().elementBytes()).order(ByteOrder.LITTLE_ENDIAN);
    java.nio.Buffer data = t.buffer();
    switch (t.datatype()) {
      case BOOL, UINT8, INT8 -> little.put((ByteBuffer) data);
      case INT16, UINT16, FP16, BF16 -> little.asShortBuffer().put((ShortBuffer) data);
      case INT32, UINT32 -> little.asIntBuffer().put((IntBuffer) data);
      case INT64, UINT64 -> little.asLongBuffer().put((LongBuffer) data);
      case FP32 -> little.asFloatBuffer().put((FloatBuffer) data);
      case FP64 -> little.asDoubleBuffer().put((DoubleBuffer) data);
      case BYTES -> throw new AssertionError();
    }
    return new TensorProto(t.name(), elemType, t.shape(), little.array(), null);
  }
}
