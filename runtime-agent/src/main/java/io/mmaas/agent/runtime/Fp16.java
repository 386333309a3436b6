package io.mmaas.agent.runtime;

/**
 * IEEE 754 half-precision conversions (Java 17 has no {@code Float.floatToFloat16}). FP16 tensors are held as
 * raw 16-bit patterns in a {@code ShortBuffer}.
 */
public final class Fp16 {
  private Fp16() {}

  /** The half-precision value nearest to {@code value} (ties to even); overflow gives infinity. */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      int nan = mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0;
      return (short) (sign | 0x7c00 | nan);
    }
    int halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign;
      }
      int full = mantissa | 0x800000;
      int shift = 14 - halfExponent;
      return (short) (sign | roundShift(full, shift));
    }
    int half = (halfExponent << 10) | (mantissa >>> 13);
    int rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // a carry into the exponent is the correct next value, up to infinity
    }
    return (short) (sign | half);
  }

  private static int roundShift(int value, int shift) {
    int result = value >>> shift;
    int rest = value & ((1 << shift) - 1);
    int midpoint = 1 << (shift - 1);
    if (rest > midpoint || (rest == midpoint && (result & 1) != 0)) {
      result++;
    }
    return result;
  }

  /** The float whose value equals the half-precision {@code bits}. */
  public static float toFloat(short bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f;
      return sign != 0 ? -subnormal : subnormal;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
