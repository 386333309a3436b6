package io.mmaas.console.models;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;

/** An alias of a model ("prod", "canary"): the version it points at and when it last moved. */
public record AliasRow(String alias, long version, String updatedText) {
  static AliasRow of(JsonObject a) {
    return new AliasRow(Json.text(a, "alias"), Json.number(a, "version", 0), Format.time(Json.text(a, "updatedAt")));
  }
}
