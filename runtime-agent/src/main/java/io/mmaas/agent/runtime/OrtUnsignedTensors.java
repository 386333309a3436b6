package io.mmaas.agent.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.Buffer;

/**
 * Creates UINT16, UINT32 and UINT64 input tensors, which ONNX Runtime's Java API (1.23, 1.24) cannot: its
 * {@link OnnxJavaType} has no unsigned 16/32/64-bit type, so every public {@code createTensor} produces a signed
 * tensor and the session refuses it for an unsigned input. (Outputs of those types are readable: the API maps them
 * to the signed buffer of the same width.) The native code behind {@code createTensor} takes any ONNX element type,
 * so this adapter calls it the way {@code OnnxTensor.createTensor(OnnxJavaType, OrtAllocator, Buffer, long[])} does,
 * with the unsigned type, and wraps the result in an {@link OnnxTensor} whose Java-side type is the signed one of the
 * same width. It is the only place that reaches into ONNX Runtime's non-public members; {@code
 * OrtUnsignedTensorsTest} pins what it relies on, so an upgrade that moves them fails there.
 */
final class OrtUnsignedTensors {
  private static final Handles HANDLES = Handles.find();

  private OrtUnsignedTensors() {}

  /** Null when the adapter works with this ONNX Runtime, else why not. */
  static String unavailableReason() {
    return HANDLES.failure;
  }

  /**
   * Wraps {@code data} (a direct buffer positioned at 0: {@code ShortBuffer} for UINT16, {@code IntBuffer} for UINT32,
   * {@code LongBuffer} for UINT64) without copying it; the caller closes the result and keeps {@code data} unchanged
   * until then.
   */
  static OnnxTensor create(OrtEnvironment env, DataType type, Buffer data, long[] shape) throws OrtException {
    if (HANDLES.failure != null) {
      throw new OrtException("cannot create a " + type + " tensor with this ONNX Runtime: " + HANDLES.failure);
    }
    if (!data.isDirect()) {
      throw new IllegalArgumentException(type + " tensors need a direct buffer");
    }
    OnnxTensorType onnxType = switch (type) {
      case UINT16 -> OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16;
      case UINT32 -> OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32;
      case UINT64 -> OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64;
      default -> throw new IllegalArgumentException(type + " is not an unsigned type the public API lacks");
    };
    OnnxJavaType javaType = OnnxJavaType.mapFromOnnxTensorType(onnxType); // the signed type of the same width
    long bytes = (long) data.remaining() * type.elementBytes();
    try {
      long allocator = HANDLES.allocatorHandle.getLong(HANDLES.defaultAllocator.get(env));
      long apiHandle = HANDLES.apiHandle.getLong(null);
      TensorInfo info = HANDLES.newInfo.newInstance(shape.clone(), javaType, onnxType);
      long handle = (long) HANDLES.createFromBuffer.invoke(null, apiHandle, allocator, data, 0, bytes, shape.clone(),
          onnxType.value);
      return HANDLES.newTensor.newInstance(handle, allocator, info, data, false);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof OrtException ort) {
        throw ort;
      }
      throw new OrtException("creating a " + type + " tensor failed: " + e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new OrtException("creating a " + type + " tensor failed: " + e);
    }
  }

  /** The non-public members used, found once. */
  private record Handles(Method createFromBuffer, Constructor<OnnxTensor> newTensor, Constructor<TensorInfo> newInfo,
                         Field apiHandle, Field defaultAllocator, Field allocatorHandle, String failure) {
    static Handles find() {
      try {
        // private static native long createTensorFromBuffer(long api, long allocator, Buffer data, int bytePosition,
        //     long byteSize, long[] shape, int onnxType)
        Method create = OnnxTensor.class.getDeclaredMethod("createTensorFromBuffer", long.class, long.class,
            Buffer.class, int.class, long.class, long[].class, int.class);
        // OnnxTensor(long handle, long allocator, TensorInfo info, Buffer buffer, boolean ownsBuffer)
        Constructor<OnnxTensor> tensor = OnnxTensor.class.getDeclaredConstructor(long.class, long.class,
            TensorInfo.class, Buffer.class, boolean.class);
        // TensorInfo(long[] shape, OnnxJavaType type, OnnxTensorType onnxType)
        Constructor<TensorInfo> info = TensorInfo.class.getDeclaredConstructor(long[].class, OnnxJavaType.class,
            OnnxTensorType.class);
        Field api = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("ortApiHandle");
        Field allocator = OrtEnvironment.class.getDeclaredField("defaultAllocator");
        Field allocatorHandle = Class.forName("ai.onnxruntime.OrtAllocator").getDeclaredField("handle");
        for (var member : new java.lang.reflect.AccessibleObject[] {create, tensor, info, api, allocator,
            allocatorHandle}) {
          member.setAccessible(true);
        }
        return new Handles(create, tensor, info, api, allocator, allocatorHandle, null);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return new Handles(null, null, null, null, null, null, e.toString());
      }
    }
  }
}
