package io.mmaas.controlplane.keys;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** API key routes under {@code /api/v1/tenants/:tenant/api-keys}. */
public final class ApiKeyHandler {
  private static final Pattern NAME = Pattern.compile("(?s).{1,200}");
  private static final Pattern ANY = Pattern.compile("(?s).{1,64}");

  private final ApiKeyService keys;

  public ApiKeyHandler(ApiKeyService keys) {
    this.keys = keys;
  }

  public void create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("name", "scopes", "models", "expiresAt", "limits"));
    String name = Bodies.requiredString(body, "name", NAME, "must have 1 to 200 characters");
    List<String> scopes = strings(body, "scopes");
    List<String> models = strings(body, "models");
    String expires = Bodies.optionalString(body, "expiresAt", ANY, "must be an ISO-8601 time");
    OffsetDateTime expiresAt = time(expires, "expiresAt");
    Responses.reply(ctx, 201, keys.create(Callers.of(ctx), TenantHandler.tenant(ctx), name, scopes, models, expiresAt,
            limits(body))
        .map(c -> c.key().toJson().put("key", c.plaintext())));
  }

  public void list(RoutingContext ctx) {
    Responses.reply(ctx, 200, keys.list(Callers.of(ctx), TenantHandler.tenant(ctx), Pages.from(ctx))
        .map(p -> p.toJson(ApiKey::toJson)));
  }

  public void get(RoutingContext ctx) {
    Responses.reply(ctx, 200, keys.get(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx)).map(ApiKey::toJson));
  }

  public void revoke(RoutingContext ctx) {
    Responses.reply(ctx, 200, keys.revoke(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx)).map(ApiKey::toJson));
  }

  public void rotate(RoutingContext ctx) {
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : Bodies.object(ctx, Set.of("oldKeyExpiresAt"));
    OffsetDateTime until = time(Bodies.optionalString(body, "oldKeyExpiresAt", ANY, "must be an ISO-8601 time"),
        "oldKeyExpiresAt");
    Responses.reply(ctx, 201, keys.rotate(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx), until)
        .map(c -> c.key().toJson().put("key", c.plaintext())));
  }

  private static ApiKeyService.Limits limits(JsonObject body) {
    Object value = body.getValue("limits");
    if (value == null) {
      return ApiKeyService.Limits.NONE;
    }
    if (!(value instanceof JsonObject l)) {
      throw new InvalidInputException("field 'limits' must be an object");
    }
    for (String f : l.fieldNames()) {
      if (!Set.of("requestsPerSecond", "burst", "concurrentRequests").contains(f)) {
        throw new InvalidInputException("field 'limits." + f + "' is not allowed here");
      }
    }
    return new ApiKeyService.Limits(Bodies.optionalInt(l, "requestsPerSecond", 1, 1_000_000),
        Bodies.optionalInt(l, "burst", 1, 10_000_000), Bodies.optionalInt(l, "concurrentRequests", 1, 100_000));
  }

  private static OffsetDateTime time(String value, String field) {
    try {
      return value == null ? null : OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("field '" + field + "' must be an ISO-8601 time with an offset, e.g. 2030-01-01T00:00:00Z");
    }
  }

  private static UUID id(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("api key not found");
    }
  }

  private static List<String> strings(JsonObject body, String field) {
    JsonArray array = Bodies.optionalArray(body, field);
    if (array == null) {
      return null;
    }
    if (array.size() > 1000) {
      throw new InvalidInputException("field '" + field + "' has too many entries");
    }
    List<String> out = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 128) {
        throw new InvalidInputException("field '" + field + "' must be an array of non-empty strings");
      }
      out.add(s);
    }
    return out;
  }
}
