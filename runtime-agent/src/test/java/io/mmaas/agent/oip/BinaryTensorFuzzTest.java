package io.mmaas.agent.oip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmaas.agent.runtime.LoadedModel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target: the binary tensor extension of the OIP codec (a JSON header of {@code Inference-Header-Content-Length}
 * bytes, then the raw tensors; {@link BinaryTensors}). Input: a byte that picks a model from
 * {@link CodecFuzzing#MODELS}, the header's value as text up to the first newline (none: the header is absent), then
 * the body. Contract: a decoded request that meets the model's signature and can be answered, or
 * {@link InvalidInputException} (400); never another exception (a 500), a hang or an out-of-memory error.
 *
 * <p>Seeds (valid and near-valid binary requests) replay in every test run; {@code JAZZER_FUZZ=1} fuzzes
 * ({@code bench/fuzz.sh}).
 */
@DisplayName("Fuzzing: binary-extension requests decode or fail with InvalidInputException")
class BinaryTensorFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    LoadedModel model = CodecFuzzing.pick(input[0]);
    int newline = indexOf(input, (byte) '\n', 1);
    String headerValue = newline < 0 ? null : new String(input, 1, newline - 1, StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOfRange(input, newline < 0 ? 1 : newline + 1, input.length);
    InferRequest request;
    try {
      long headerLength = OipHandler.headerLength(headerValue);
      request = InferCodec.decode(body, body.length, headerLength, model);
    } catch (InvalidInputException e) {
      return;
    }
    CodecFuzzing.checkAccepted(request, model);
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
