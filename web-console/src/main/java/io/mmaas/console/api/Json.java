package io.mmaas.console.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Lenient readers for the API's JSON: a missing or mistyped optional field reads as null or empty, never throws. */
public final class Json {
  private Json() {}

  public static String text(JsonObject json, String field) {
    Object v = json == null ? null : json.getValue(field);
    return v == null ? null : v.toString();
  }

  public static long number(JsonObject json, String field, long fallback) {
    Object v = json == null ? null : json.getValue(field);
    return v instanceof Number n ? n.longValue() : fallback;
  }

  public static Long numberOrNull(JsonObject json, String field) {
    Object v = json == null ? null : json.getValue(field);
    return v instanceof Number n ? n.longValue() : null;
  }

  public static boolean flag(JsonObject json, String field) {
    return json != null && Boolean.TRUE.equals(json.getValue(field));
  }

  public static JsonObject object(JsonObject json, String field) {
    Object v = json == null ? null : json.getValue(field);
    return v instanceof JsonObject o ? o : new JsonObject();
  }

  /** The objects of an array field; anything that is not an object is skipped. */
  public static List<JsonObject> objects(JsonObject json, String field) {
    Object v = json == null ? null : json.getValue(field);
    List<JsonObject> out = new ArrayList<>();
    if (v instanceof JsonArray array) {
      for (Object o : array) {
        if (o instanceof JsonObject item) {
          out.add(item);
        }
      }
    }
    return out;
  }

  /** The values of an array field as strings; null when the field is absent or null. */
  public static List<String> texts(JsonObject json, String field) {
    Object v = json == null ? null : json.getValue(field);
    if (!(v instanceof JsonArray array)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    array.forEach(o -> out.add(String.valueOf(o)));
    return out;
  }
}
