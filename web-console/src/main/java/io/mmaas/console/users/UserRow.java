package io.mmaas.console.users;

import io.mmaas.console.api.ApiUser;
import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;

/** A row of a users table; the username may have been chosen by a tenant admin and is escaped when shown. */
public record UserRow(String id, String username, String role, String roleLabel, String tenant, boolean disabled,
    String createdIso, String createdText) {

  static UserRow of(JsonObject u) {
    String role = Json.text(u, "role");
    String label = new ApiUser("-", "-", role == null ? "" : role, null).roleLabel();
    return new UserRow(Json.text(u, "id"), Json.text(u, "username"), role, label, Json.text(u, "tenant"),
        Json.flag(u, "disabled"), Json.text(u, "createdAt"), Format.time(Json.text(u, "createdAt")));
  }
}
