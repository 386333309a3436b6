package io.mmaas.agent.oip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmaas.agent.runtime.LoadedModel;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target: the OIP JSON request reader and tensor decoder ({@link JsonInferRequestReader},
 * {@link RequestValidator}, {@link JsonTensorDecoder}). The first byte picks a model from {@link CodecFuzzing#MODELS},
 * the rest is the request body. Contract: a decoded request that meets the model's signature and can be answered,
 * or {@link InvalidInputException} (400); never another exception (a 500), a hang or an out-of-memory error.
 *
 * <p>Seeds (valid and near-valid requests) replay in every test run; {@code JAZZER_FUZZ=1} fuzzes
 * ({@code bench/fuzz.sh}).
 */
@DisplayName("Fuzzing: OIP JSON requests decode or fail with InvalidInputException")
class JsonInferRequestFuzzTest {
  @FuzzTest(maxDuration = "10m")
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    LoadedModel model = CodecFuzzing.pick(input[0]);
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    InferRequest request;
    try {
      request = InferCodec.decode(body, model);
    } catch (InvalidInputException e) {
      return;
    }
    CodecFuzzing.checkAccepted(request, model);
  }
}
