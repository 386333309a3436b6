package io.mmaas.console.playground;

import io.mmaas.console.api.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** An Open Inference Protocol request filled with zeros, shaped after a version's inputs (dynamic dimensions as 1). */
final class SampleRequest {
  private static final int MAX_ELEMENTS = 1024;

  private SampleRequest() {}

  static String from(JsonObject version) {
    JsonArray inputs = new JsonArray();
    for (JsonObject in : Json.objects(version, "inputs")) {
      JsonArray shape = new JsonArray();
      long elements = 1;
      Object dims = in.getValue("shape");
      if (dims instanceof JsonArray array) {
        for (Object d : array) {
          long n = d instanceof Number num && num.longValue() > 0 ? num.longValue() : 1;
          shape.add(n);
          elements *= n;
        }
      }
      String type = Json.text(in, "datatype");
      JsonArray data = new JsonArray();
      for (long i = 0; i < Math.min(elements, MAX_ELEMENTS); i++) {
        data.add(type != null && type.startsWith("FP") ? (Object) 0.0 : (Object) 0);
      }
      inputs.add(new JsonObject().put("name", Json.text(in, "name")).put("shape", shape).put("datatype", type)
          .put("data", data));
    }
    return new JsonObject().put("inputs", inputs).encodePrettily();
  }
}
