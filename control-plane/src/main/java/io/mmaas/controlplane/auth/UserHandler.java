package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.mmaas.controlplane.tenants.Tenant;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** User routes: platform-wide under {@code /api/v1/users}, per tenant under {@code /api/v1/tenants/:tenant/users}. */
public final class UserHandler {
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1,100}");
  private static final Pattern PASSWORD = Pattern.compile("(?s).{1,1024}");
  private static final Pattern ROLE = Pattern.compile("platform_admin|tenant_admin|auditor");

  private final UserService users;

  public UserHandler(UserService users) {
    this.users = users;
  }

  public void createPlatformUser(RoutingContext ctx) {
    create(ctx, null);
  }

  public void createTenantUser(RoutingContext ctx) {
    create(ctx, TenantHandler.tenant(ctx));
  }

  private void create(RoutingContext ctx, Tenant tenant) {
    JsonObject body = Bodies.object(ctx, Set.of("username", "role", "password"));
    String username = Bodies.requiredString(body, "username", USERNAME,
        "must be 1-100 letters, digits or . _ @ + -");
    Role role = Role.fromWire(Bodies.requiredString(body, "role", ROLE,
        "must be platform_admin, tenant_admin or auditor"));
    String password = Bodies.optionalString(body, "password", PASSWORD, "must have 1 to 1024 characters");
    Responses.reply(ctx, 201, users.create(Callers.of(ctx), tenant, username, role, password).map(c -> {
      JsonObject out = c.user().toJson(c.tenantName());
      if (c.generatedPassword() != null) {
        out.put("password", c.generatedPassword());
      }
      return out;
    }));
  }

  public void listPlatform(RoutingContext ctx) {
    Responses.reply(ctx, 200, users.list(Callers.of(ctx), null, Pages.from(ctx))
        .map(p -> p.toJson(u -> u.user().toJson(u.tenantName()))));
  }

  public void listTenant(RoutingContext ctx) {
    Tenant t = TenantHandler.tenant(ctx);
    Responses.reply(ctx, 200, users.list(Callers.of(ctx), t, Pages.from(ctx)).map(p -> p.toJson(u -> u.user().toJson(t.name()))));
  }

  public void getPlatform(RoutingContext ctx) {
    Responses.reply(ctx, 200, users.get(Callers.of(ctx), null, id(ctx)).map(u -> u.toJson(null)));
  }

  public void getTenant(RoutingContext ctx) {
    Tenant t = TenantHandler.tenant(ctx);
    Responses.reply(ctx, 200, users.get(Callers.of(ctx), t, id(ctx)).map(u -> u.toJson(t.name())));
  }

  public void disable(RoutingContext ctx) {
    Responses.reply(ctx, 200, users.setDisabled(Callers.of(ctx), id(ctx), true).map(u -> u.toJson(null)));
  }

  public void enable(RoutingContext ctx) {
    Responses.reply(ctx, 200, users.setDisabled(Callers.of(ctx), id(ctx), false).map(u -> u.toJson(null)));
  }

  private static UUID id(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("user not found");
    }
  }

  static String password(JsonObject body, String field) {
    String v = Bodies.requiredString(body, field, PASSWORD, "must have 1 to 1024 characters");
    if (v.isEmpty()) {
      throw new InvalidInputException("field '" + field + "' is required");
    }
    return v;
  }
}
