package io.mmaas.agent.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.lang.reflect.Array;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Optional;

/** Converts between {@link Tensor} and ONNX Runtime tensors without going through Java arrays. */
public final class OrtTensors {
  private OrtTensors() {}

  /**
   * The agent's type for an ONNX Runtime element type. By constant, not by {@code OnnxTensorType.value}: the Java API
   * numbers its types its own way (UINT64 is 7 there, 13 in ONNX).
   */
  static Optional<DataType> dataType(OnnxTensorType type) {
    return Optional.ofNullable(
        switch (type) {
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DataType.UINT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DataType.UINT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DataType.UINT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BF16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.BYTES;
          default -> null;
        });
  }

  /** Wraps the tensor's buffer (no copy for direct buffers); the caller closes the result. */
  static OnnxTensor toOnnx(OrtEnvironment env, Tensor tensor) throws OrtException {
    long[] shape = tensor.shape();
    if (tensor.datatype() == DataType.BYTES) {
      return OnnxTensor.createTensor(env, tensor.strings(), shape);
    }
    Buffer data = tensor.buffer().rewind();
    return switch (tensor.datatype()) {
      case BOOL -> OnnxTensor.createTensor(env, (ByteBuffer) data, shape, OnnxJavaType.BOOL);
      case UINT8 -> OnnxTensor.createTensor(env, (ByteBuffer) data, shape, OnnxJavaType.UINT8);
      case INT8 -> OnnxTensor.createTensor(env, (ByteBuffer) data, shape, OnnxJavaType.INT8);
      case INT16 -> OnnxTensor.createTensor(env, (ShortBuffer) data, shape, OnnxJavaType.INT16);
      case FP16 -> OnnxTensor.createTensor(env, (ShortBuffer) data, shape, OnnxJavaType.FLOAT16);
      case BF16 -> OnnxTensor.createTensor(env, (ShortBuffer) data, shape, OnnxJavaType.BFLOAT16);
      case UINT16, UINT32, UINT64 -> OrtUnsignedTensors.create(env, tensor.datatype(), data, shape);
      case INT32 -> OnnxTensor.createTensor(env, (IntBuffer) data, shape);
      case INT64 -> OnnxTensor.createTensor(env, (LongBuffer) data, shape);
      case FP32 -> OnnxTensor.createTensor(env, (FloatBuffer) data, shape);
      case FP64 -> OnnxTensor.createTensor(env, (DoubleBuffer) data, shape);
      case BYTES -> throw new AssertionError();
    };
  }

  /** Copies an ONNX Runtime output into a {@link Tensor} that outlives the session result. */
  static Tensor fromOnnx(String name, DataType type, OnnxTensor value) throws OrtException {
    long[] shape = value.getInfo().getShape();
    if (type == DataType.BYTES) {
      String[] strings = new String[Math.toIntExact(Tensor.elementCount(shape))];
      flattenStrings(value.getValue(), strings, 0);
      return Tensor.strings(name, shape, strings);
    }
    Buffer copy =
        switch (type) {
          case BOOL, UINT8, INT8 -> value.getByteBuffer();
          // ONNX Runtime hands unsigned outputs over as the signed buffer of the same width: the same bits
          case INT16, UINT16, FP16, BF16 -> value.getShortBuffer();
          case INT32, UINT32 -> value.getIntBuffer();
          case INT64, UINT64 -> value.getLongBuffer();
          case FP32 -> value.getFloatBuffer();
          case FP64 -> value.getDoubleBuffer();
          case BYTES -> throw new AssertionError();
        };
    if (copy == null) {
      throw new OrtException("output " + name + " could not be read as " + type);
    }
    return Tensor.numeric(name, type, shape, copy.rewind());
  }

  private static int flattenStrings(Object value, String[] target, int at) {
    if (value instanceof String s) {
      target[at] = s;
      return at + 1;
    }
    int next = at;
    for (int i = 0; i < Array.getLength(value); i++) {
      next = flattenStrings(Array.get(value, i), target, next);
    }
    return next;
  }

  /** A zero-filled tensor for {@code spec}, with every dynamic dimension set to 1 (the warm-up input). */
  public static Tensor zeros(TensorSpec spec) {
    long[] shape = spec.shape().stream().mapToLong(d -> d < 0 ? 1 : d).toArray();
    int count = Math.toIntExact(Tensor.elementCount(shape));
    if (spec.datatype() == DataType.BYTES) {
      String[] empty = new String[count];
      Arrays.fill(empty, "");
      return Tensor.strings(spec.name(), shape, empty);
    }
    return Tensor.numeric(spec.name(), spec.datatype(), shape, spec.datatype().allocate(count));
  }
}
