package io.mmaas.controlplane.tenants;

import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.regex.Pattern;

/** Tenant routes, and the handler that resolves {@code :tenant} for every tenant-scoped route. */
public final class TenantHandler {
  public static final String TENANT = "tenant";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
  private static final Pattern DISPLAY = Pattern.compile("(?s).{1,200}");

  private final TenantService tenants;

  public TenantHandler(TenantService tenants) {
    this.tenants = tenants;
  }

  public void create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("name", "displayName"));
    String name = Bodies.requiredString(body, "name", NAME,
        "must be 2-63 lowercase letters, digits or '-', starting with a letter or digit");
    String display = Bodies.optionalString(body, "displayName", DISPLAY, "must have 1 to 200 characters");
    Responses.reply(ctx, 201, tenants.create(Callers.of(ctx), name, display).map(Tenant::toJson));
  }

  public void list(RoutingContext ctx) {
    Responses.reply(ctx, 200, tenants.list(Callers.of(ctx), Pages.from(ctx)).map(p -> p.toJson(Tenant::toJson)));
  }

  public void get(RoutingContext ctx) {
    Responses.json(ctx, 200, tenant(ctx).toJson());
  }

  public void suspend(RoutingContext ctx) {
    Responses.reply(ctx, 200, tenants.setState(Callers.of(ctx), tenant(ctx), true).map(Tenant::toJson));
  }

  public void resume(RoutingContext ctx) {
    Responses.reply(ctx, 200, tenants.setState(Callers.of(ctx), tenant(ctx), false).map(Tenant::toJson));
  }

  /** Resolves the path's tenant through the access policy (404 for a tenant the caller may not see). */
  public void scope(RoutingContext ctx) {
    tenants.resolve(Callers.of(ctx), ctx.pathParam("tenant"))
        .onSuccess(t -> {
          ctx.put(TENANT, t);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  public static Tenant tenant(RoutingContext ctx) {
    return ctx.get(TENANT);
  }
}
