package io.mmaas.conformance;

import io.mmaas.onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Compares an answer with an expected tensor the way ONNX's backend tests do: same element type and shape; floats
 * (FLOAT, DOUBLE, FLOAT16, BFLOAT16) within {@code |actual - expected| <= atol + rtol * |expected|} with NaN equal to
 * NaN and infinities exact (numpy's {@code assert_allclose}, rtol 1e-3, atol 1e-7); every other type exactly.
 */
public final class TensorMatch {
  public static final double RTOL = 1e-3;
  public static final double ATOL = 1e-7;

  private TensorMatch() {}

  /** Null when {@code actual} matches {@code expected}, else what differs first. */
  public static String mismatch(TensorProto expected, TensorProto actual) {
    String what = "output '" + expected.name() + "'";
    if (actual.elemType() != expected.elemType()) {
      return what + ": element type " + actual.elemType() + ", expected " + expected.elemType();
    }
    if (!Arrays.equals(actual.dims(), expected.dims())) {
      return what + ": shape " + Arrays.toString(actual.dims()) + ", expected " + Arrays.toString(expected.dims());
    }
    if (expected.elemType() == TensorProto.STRING) {
      for (int i = 0; i < expected.strings().size(); i++) {
        if (!Arrays.equals(expected.strings().get(i), actual.strings().get(i))) {
          return what + " element " + i + ": " + printable(actual.strings().get(i)) + ", expected "
              + printable(expected.strings().get(i));
        }
      }
      return null;
    }
    int type = expected.elemType();
    if (type == 1 || type == 11 || type == 10 || type == 16) {
      ByteBuffer e = ByteBuffer.wrap(expected.data()).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer a = ByteBuffer.wrap(actual.data()).order(ByteOrder.LITTLE_ENDIAN);
      int size = TensorProto.elementBytes(type);
      for (int i = 0; i < expected.data().length / size; i++) {
        double ev = floatAt(e, type, i * size);
        double av = floatAt(a, type, i * size);
        if (!close(ev, av)) {
          return what + " element " + i + ": " + av + ", expected " + ev + " (rtol " + RTOL + ", atol " + ATOL + ")";
        }
      }
      return null;
    }
    int mismatchAt = Arrays.mismatch(expected.data(), actual.data());
    if (mismatchAt >= 0) {
      int size = TensorProto.elementBytes(type);
      return what + " element " + mismatchAt / size + " differs (exact comparison of element type " + type + ")";
    }
    return null;
  }

  static boolean close(double expected, double actual) {
    if (Double.isNaN(expected) || Double.isNaN(actual)) {
      return Double.isNaN(expected) && Double.isNaN(actual);
    }
    if (Double.isInfinite(expected) || Double.isInfinite(actual)) {
      return expected == actual;
    }
    return Math.abs(actual - expected) <= ATOL + RTOL * Math.abs(expected);
  }

  private static double floatAt(ByteBuffer b, int type, int offset) {
    return switch (type) {
      case 1 -> b.getFloat(offset);
      case 11 -> b.getDouble(offset);
      case 16 -> Float.intBitsToFloat((b.getShort(offset) & 0xffff) << 16);
      default -> io.mmaas.agent.runtime.Fp16.toFloat(b.getShort(offset));
    };
  }

  private static String printable(byte[] s) {
    return '"' + new String(s, java.nio.charset.StandardCharsets.UTF_8) + '"';
  }
}
