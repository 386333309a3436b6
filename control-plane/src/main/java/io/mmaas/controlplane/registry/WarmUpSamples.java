package io.mmaas.controlplane.registry;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The rules for a version's warm-up samples: at most {@value #MAX_SAMPLES} OIP JSON inference requests of at most
 * {@value #MAX_BYTES} bytes together, each naming only inputs the version has, with their datatype, a shape and data.
 * Whether the values suit the model is the model host's to find out at warm-up (a failed sample is reported, never
 * fatal); what is checked here is what can be known without running it.
 */
final class WarmUpSamples {
  static final int MAX_SAMPLES = 8;
  static final int MAX_BYTES = 256 * 1024;

  private WarmUpSamples() {}

  /** The samples, checked against {@code inputs} (the version's signature); 400 naming the field otherwise. */
  static JsonArray check(JsonArray samples, JsonArray inputs) {
    if (samples.size() > MAX_SAMPLES) {
      throw new InvalidInputException("field 'warmUpSamples' may hold at most " + MAX_SAMPLES + " requests");
    }
    if (samples.encode().length() > MAX_BYTES) {
      throw new InvalidInputException("field 'warmUpSamples' must be at most " + MAX_BYTES / 1024 + " KiB");
    }
    Map<String, String> types = new HashMap<>();
    inputs.forEach(i -> types.put(((JsonObject) i).getString("name"), ((JsonObject) i).getString("datatype")));
    for (int s = 0; s < samples.size(); s++) {
      String at = "warmUpSamples[" + s + "]";
      if (!(samples.getValue(s) instanceof JsonObject sample) || !(sample.getValue("inputs") instanceof JsonArray given)) {
        throw new InvalidInputException(at + " must be an inference request with an 'inputs' array");
      }
      for (int i = 0; i < given.size(); i++) {
        String field = at + ".inputs[" + i + "]";
        if (!(given.getValue(i) instanceof JsonObject input) || !(input.getValue("name") instanceof String name)) {
          throw new InvalidInputException(field + " must be an object with a 'name'");
        }
        if (!types.containsKey(name)) {
          throw new InvalidInputException(field + ": the version has no input named '" + name + "'");
        }
        if (!types.get(name).equals(input.getString("datatype"))) {
          throw new InvalidInputException(field + ": input '" + name + "' has datatype " + types.get(name));
        }
        if (!(input.getValue("shape") instanceof JsonArray) || !(input.getValue("data") instanceof JsonArray)) {
          throw new InvalidInputException(field + " must have a 'shape' and a 'data' array");
        }
      }
    }
    return samples;
  }
}
