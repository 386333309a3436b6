package io.mmaas.controlplane.http;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict reading of JSON request bodies: a body must be an object, fields must have the right type, and a field
 * the caller may not set is an error rather than silently ignored.
 */
public final class Bodies {
  private Bodies() {
  }

  /** The body as a JSON object holding only the allowed fields. */
  public static JsonObject object(RoutingContext ctx, Set<String> allowed) {
    Object parsed;
    try {
      parsed = ctx.body().buffer() == null || ctx.body().length() == 0 ? null
          : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
    } catch (RuntimeException e) {
      throw new InvalidInputException("request body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject body)) {
      throw new InvalidInputException("request body must be a JSON object");
    }
    for (String field : body.fieldNames()) {
      if (!allowed.contains(field)) {
        throw new InvalidInputException("field '" + field + "' is not allowed here");
      }
    }
    return body;
  }

  public static String requiredString(JsonObject body, String field, Pattern pattern, String rule) {
    String value = optionalString(body, field, pattern, rule);
    if (value == null) {
      throw new InvalidInputException("field '" + field + "' is required");
    }
    return value;
  }

  public static String optionalString(JsonObject body, String field, Pattern pattern, String rule) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new InvalidInputException("field '" + field + "' must be a string");
    }
    if (!pattern.matcher(s).matches()) {
      throw new InvalidInputException("field '" + field + "' " + rule);
    }
    return s;
  }

  public static Integer optionalInt(JsonObject body, String field, int min, int max) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new InvalidInputException("field '" + field + "' must be an integer");
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new InvalidInputException("field '" + field + "' must be between " + min + " and " + max);
    }
    return (int) v;
  }

  public static JsonArray optionalArray(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray a)) {
      throw new InvalidInputException("field '" + field + "' must be an array");
    }
    return a;
  }
}
