package io.mmaas.agent.oip;

import io.mmaas.agent.runtime.LoadedModel;
import io.mmaas.agent.runtime.Tensor;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * A version's warm-up samples: OIP JSON inference requests (as an application would send them) that a host runs once
 * each after loading, in the manner of Triton's model warm-up. Decoded and validated by the same rules as requests.
 */
public final class WarmUpSamples {
  private WarmUpSamples() {}

  /** One decoded sample: the inputs to feed and the outputs to ask for. */
  public record Sample(List<Tensor> inputs, Set<String> outputs) {}

  /** Decodes {@code request} for {@code model}; the message names what is wrong. */
  public static Sample decode(JsonObject request, LoadedModel model) throws IllegalArgumentException {
    try {
      InferRequest decoded = InferCodec.decode(request.encode().getBytes(StandardCharsets.UTF_8), model);
      return new Sample(decoded.inputs(), decoded.outputs());
    } catch (InvalidInputException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
