package io.mmaas.console.keys;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * A row of the API keys table: never the secret, only its public prefix.
 *
 * @param models the model allow-list, null when the key may call every model
 * @param status active, expired or revoked
 */
public record KeyRow(String id, String name, String prefix, List<String> scopes, List<String> models,
    String createdText, String expiresText, String lastUsedText, String status) {

  static KeyRow of(JsonObject k, Instant now) {
    String expires = Json.text(k, "expiresAt");
    String status = Json.text(k, "revokedAt") != null ? "revoked" : expired(expires, now) ? "expired" : "active";
    List<String> scopes = Json.texts(k, "scopes");
    return new KeyRow(Json.text(k, "id"), Json.text(k, "name"), Json.text(k, "prefix"),
        scopes == null ? List.of() : scopes, Json.texts(k, "models"), Format.time(Json.text(k, "createdAt")),
        expires == null ? "never" : Format.time(expires), Format.ago(Json.text(k, "lastUsedAt"), now), status);
  }

  public boolean active() {
    return "active".equals(status);
  }

  private static boolean expired(String iso, Instant now) {
    try {
      return iso != null && !Instant.parse(iso).isAfter(now);
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
