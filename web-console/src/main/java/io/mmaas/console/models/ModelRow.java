package io.mmaas.console.models;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;

/** A model as listed: its name and description are the tenant's own words and are escaped when shown. */
public record ModelRow(String name, String description, String createdText, String href) {
  static ModelRow of(JsonObject m, String base) {
    String name = Json.text(m, "name");
    String description = Json.text(m, "description");
    return new ModelRow(name, description == null ? "" : description, Format.time(Json.text(m, "createdAt")),
        base + "/" + io.mmaas.console.pages.TenantLinks.segment(name));
  }
}
