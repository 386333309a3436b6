package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.agent.runtime.LoadedModel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Request shapes are checked before any size arithmetic can overflow")
class RequestValidatorTest {
  /** INT64 input x of shape [-1, -1, -1]. */
  private static final LoadedModel RANK3 = CodecFuzzing.MODELS.get(1);

  private static byte[] request(String shape) {
    return ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"INT64\",\"shape\":" + shape + ",\"data\":[]}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("huge dimensions next to a zero one are a 400, not an overflow in the tensor's element count")
  void hugeDimensionsBesideZero() {
    // 2^62 * 4 overflows a long before the 0 makes the product 0 (found by JsonInferRequestFuzzTest)
    assertThatThrownBy(() -> InferCodec.decode(request("[4611686018427387904,4,0]"), RANK3))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("dimension");
    assertThatThrownBy(() -> InferCodec.decode(request("[9223372036854775807,9223372036854775807,0]"), RANK3))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("an empty tensor with ordinary dimensions is still accepted")
  void emptyTensorAccepted() throws Exception {
    InferRequest decoded = InferCodec.decode(request("[3,0,5]"), RANK3);
    assertThat(decoded.inputs().get(0).shape()).containsExactly(3, 0, 5);
    assertThat(decoded.inputs().get(0).elementCount()).isZero();
  }
}
