package io.mmaas.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fp16")
class Fp16Test {

  @Test
  @DisplayName("every finite half value survives half → float → half unchanged")
  void everyHalfRoundTrips() {
    for (int bits = 0; bits <= 0xffff; bits++) {
      short half = (short) bits;
      float value = Fp16.toFloat(half);
      if (Float.isNaN(value)) {
        assertThat(Float.isNaN(Fp16.toFloat(Fp16.fromFloat(value)))).isTrue();
      } else {
        assertThat(Fp16.fromFloat(value)).as("bits %04x", bits).isEqualTo(half);
      }
    }
  }

  @Test
  @DisplayName("floats round to the nearest half, ties to even, and overflow to infinity")
  void rounding() {
    assertThat(Fp16.toFloat(Fp16.fromFloat(1.0f + 0x1p-11f))).isEqualTo(1.0f); // tie, even stays
    assertThat(Fp16.toFloat(Fp16.fromFloat(1.0f + 3 * 0x1p-11f))).isEqualTo(1.0f + 0x1p-9f); // tie, rounds up to even
    assertThat(Fp16.toFloat(Fp16.fromFloat(0.1f))).isEqualTo(0.0999755859375f);
    assertThat(Fp16.toFloat(Fp16.fromFloat(65519f))).isEqualTo(65504f);
    assertThat(Fp16.toFloat(Fp16.fromFloat(65520f))).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(Fp16.toFloat(Fp16.fromFloat(0x1p-25f))).isEqualTo(0f); // tie below the smallest subnormal
    assertThat(Fp16.toFloat(Fp16.fromFloat(0x1.8p-25f))).isEqualTo(0x1p-24f);
  }
}
