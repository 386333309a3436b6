package io.mmaas.agent.runtime;

/**
 * bfloat16 conversions: the upper 16 bits of an IEEE 754 float. BF16 tensors are held as raw 16-bit patterns in a
 * {@code ShortBuffer}, like FP16.
 */
public final class Bf16 {
  private Bf16() {}

  /** The bfloat16 value nearest to {@code value} (ties to even); overflow gives infinity, NaN stays NaN. */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040); // keep the sign, make sure a mantissa bit survives
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** The float whose value equals the bfloat16 {@code bits} (exact). */
  public static float toFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
