package io.mmaas.console.models;

import io.mmaas.console.api.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** One input or output of a model's signature; dynamic dimensions read as "?". */
public record TensorRow(String name, String datatype, String shape) {
  static TensorRow of(JsonObject t) {
    StringBuilder shape = new StringBuilder("[");
    Object dims = t.getValue("shape");
    if (dims instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        Object d = array.getValue(i);
        shape.append(i == 0 ? "" : ", ").append(d instanceof Number n && n.longValue() < 0 ? "?" : String.valueOf(d));
      }
    }
    return new TensorRow(Json.text(t, "name"), Json.text(t, "datatype"), shape.append(']').toString());
  }

  /** "FP32 [?, 4]". */
  public String typeAndShape() {
    return datatype + " " + shape;
  }

  public String text() {
    return name + " " + datatype + " " + shape;
  }
}
