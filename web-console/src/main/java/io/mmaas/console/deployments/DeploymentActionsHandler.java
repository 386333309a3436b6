package io.mmaas.console.deployments;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Params;
import io.mmaas.console.pages.FormOutcome;
import io.mmaas.console.pages.TenantLinks;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The forms that change a deployment: scale, roll a version out to a share of traffic (a canary), promote a version
 * to all traffic, roll back the last change, delete. Each is one admin API call; the API's refusal (a 409 when there
 * is nothing to roll back, a quota, weights that do not add up) comes back as the notice on the deployment's page.
 */
public final class DeploymentActionsHandler {
  private final AdminApiClient api;

  public DeploymentActionsHandler(AdminApiClient api) {
    this.api = api;
  }

  public void scale(RoutingContext ctx) {
    Integer replicas = number(ctx, "replicas", 1, 64);
    if (replicas == null) {
      FormOutcome.invalid(ctx, "Replicas must be a whole number from 1 to 64.", page(ctx));
      return;
    }
    change(ctx, "PATCH", null, new JsonObject().put("replicas", replicas),
        "Scaled to " + replicas + (replicas == 1 ? " replica" : " replicas") + " per serving version.");
  }

  public void rollout(RoutingContext ctx) {
    Integer version = number(ctx, "version", 1, Integer.MAX_VALUE);
    Integer weight = number(ctx, "weight", 1, 100);
    if (version == null || weight == null) {
      FormOutcome.invalid(ctx, "Choose a version and a traffic share from 1 to 100%.", page(ctx));
      return;
    }
    JsonObject body = new JsonObject().put("version", version).put("weight", weight);
    Integer replicas = number(ctx, "replicas", 1, 64);
    if (replicas != null) {
      body.put("replicas", replicas);
    }
    change(ctx, "POST", "rollout", body, "Rolling out v" + version + " to " + weight
        + "% of traffic; it gets traffic once its replicas are ready.");
  }

  public void promote(RoutingContext ctx) {
    Integer version = number(ctx, "version", 1, Integer.MAX_VALUE);
    if (version == null) {
      FormOutcome.invalid(ctx, "Choose the version to promote.", page(ctx));
      return;
    }
    change(ctx, "POST", "promote", new JsonObject().put("version", version), "Promoting v" + version
        + " to all traffic; the other versions keep serving until it is ready.");
  }

  public void rollback(RoutingContext ctx) {
    change(ctx, "POST", "rollback", new JsonObject(), "Rolled back to the targets before the last change.");
  }

  public void retry(RoutingContext ctx) {
    change(ctx, "POST", "retry", new JsonObject(),
        "The quarantined replicas load again, with a fresh count of crashes.");
  }

  public void delete(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    api.delete(session.token(), ApiPath.tenant(tenant, "deployments", ctx.pathParam("id")), Calls.of(ctx))
        .onSuccess(x -> FormOutcome.done(ctx, "Deployment deleted; its replicas are being unloaded.",
            TenantLinks.base(tenant) + "/deployments"))
        .onFailure(err -> FormOutcome.refused(ctx, err, page(ctx)));
  }

  private void change(RoutingContext ctx, String method, String action, JsonObject body, String done) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String id = ctx.pathParam("id");
    ApiPath path = action == null ? ApiPath.tenant(tenant, "deployments", id)
        : ApiPath.tenant(tenant, "deployments", id, action);
    (method.equals("PATCH") ? api.patch(session.token(), path, body, Calls.of(ctx))
        : api.post(session.token(), path, body, Calls.of(ctx)))
        .onSuccess(d -> FormOutcome.done(ctx, done, page(ctx)))
        .onFailure(err -> FormOutcome.refused(ctx, err, page(ctx)));
  }

  /** The deployment's own page, built from the route's parameters (encoded, never taken as a URL). */
  private static String page(RoutingContext ctx) {
    return TenantLinks.base(ctx.pathParam("tenant")) + "/deployments/" + TenantLinks.segment(ctx.pathParam("id"));
  }

  /** A whole number field in [min, max]; null when blank or not one. */
  static Integer number(RoutingContext ctx, String field, int min, int max) {
    String v = Params.form(ctx, field, 10);
    if (v == null || !v.matches("\\d{1,10}")) {
      return null;
    }
    long n = Long.parseLong(v);
    return n < min || n > max ? null : (int) n;
  }
}
