package io.mmaas.console.keys;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The create-key form turned into the API's body: name, scopes (checkboxes), an optional model allow-list (names
 * separated by commas or spaces) and an optional expiry date (the key works until the end of that day, UTC).
 */
record KeyForm(String name, List<String> scopes, List<String> models, LocalDate expiresOn) {
  private static final Set<String> SCOPES = Set.of("infer", "metadata");

  static KeyForm parse(String name, List<String> scopes, String models, String expiresOn) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("A key needs a name.");
    }
    if (scopes.isEmpty() || !SCOPES.containsAll(scopes)) {
      throw new IllegalArgumentException("Choose at least one scope: infer, metadata.");
    }
    List<String> allow = models == null ? null
        : Arrays.stream(models.split("[,\\s]+")).filter(s -> !s.isBlank()).distinct().toList();
    LocalDate until = null;
    if (expiresOn != null && !expiresOn.isBlank()) {
      try {
        until = LocalDate.parse(expiresOn.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("The expiry must be a date (YYYY-MM-DD).");
      }
    }
    return new KeyForm(name.trim(), List.copyOf(scopes), allow == null || allow.isEmpty() ? null : allow, until);
  }

  JsonObject toJson() {
    JsonObject body = new JsonObject().put("name", name).put("scopes", new JsonArray(scopes));
    if (models != null) {
      body.put("models", new JsonArray(models));
    }
    if (expiresOn != null) {
      body.put("expiresAt", expiresOn.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
    }
    return body;
  }
}
