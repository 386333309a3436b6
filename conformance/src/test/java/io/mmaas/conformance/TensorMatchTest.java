package io.mmaas.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("TensorMatch compares answers as ONNX's backend tests do")
class TensorMatchTest {

  private static TensorProto floats(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return new TensorProto("y", 1, new long[] {v.length}, b.array(), null);
  }

  @Test
  @DisplayName("floats within rtol 1e-3 plus atol 1e-7 match; NaN matches NaN; infinities must be equal")
  void floatTolerance() {
    assertThat(TensorMatch.mismatch(floats(1000f, Float.NaN), floats(1000.9f, Float.NaN))).isNull();
    assertThat(TensorMatch.mismatch(floats(1000f), floats(1001.2f))).contains("element 0: 1001.2");
    assertThat(TensorMatch.mismatch(floats(0f), floats(1e-6f))).contains("expected 0.0");
    assertThat(TensorMatch.mismatch(floats(Float.POSITIVE_INFINITY), floats(Float.NEGATIVE_INFINITY))).isNotNull();
    assertThat(TensorMatch.mismatch(floats(1f), floats(Float.NaN))).isNotNull();
  }

  @Test
  @DisplayName("FP16 is compared as its value; integers, element types and shapes exactly")
  void exactness() {
    TensorProto half = new TensorProto("y", 10, new long[] {1}, new byte[] {0x00, 0x3c}, null); // 1.0
    TensorProto halfNext = new TensorProto("y", 10, new long[] {1}, new byte[] {0x01, 0x3c}, null); // 1.000977
    assertThat(TensorMatch.mismatch(half, halfNext)).isNull();
    TensorProto ints = new TensorProto("y", 6, new long[] {1}, new byte[] {1, 0, 0, 0}, null);
    TensorProto other = new TensorProto("y", 6, new long[] {1}, new byte[] {2, 0, 0, 0}, null);
    assertThat(TensorMatch.mismatch(ints, other)).contains("element 0 differs");
    assertThat(TensorMatch.mismatch(ints, new TensorProto("y", 12, new long[] {1}, ints.data(), null)))
        .contains("element type 12, expected 6");
    assertThat(TensorMatch.mismatch(floats(1f, 2f), new TensorProto("y", 1, new long[] {2, 1}, floats(1f, 2f).data(),
        null))).contains("shape [2, 1], expected [2]");
    TensorProto s = new TensorProto("y", 8, new long[] {1}, null, List.of("a".getBytes()));
    assertThat(TensorMatch.mismatch(s, new TensorProto("y", 8, new long[] {1}, null, List.of("b".getBytes()))))
        .contains("\"b\", expected \"a\"");
  }
}
