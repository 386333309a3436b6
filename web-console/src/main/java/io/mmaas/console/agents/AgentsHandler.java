package io.mmaas.console.agents;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.Json;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Params;
import io.mmaas.console.pages.FormOutcome;
import io.mmaas.console.pages.Format;
import io.mmaas.console.pages.Nav;
import io.mmaas.console.pages.PageRenderer;
import io.mmaas.console.pages.SecretView;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** GET /agents (the fleet) and POST /agents/enrollment-tokens (a token shown once). */
public final class AgentsHandler {
  private final AdminApiClient api;
  private final FleetReader fleet;
  private final PageRenderer pages;

  public AgentsHandler(AdminApiClient api, FleetReader fleet, PageRenderer pages) {
    this.api = api;
    this.fleet = fleet;
    this.pages = pages;
  }

  public void list(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    boolean admin = session.user().isPlatformAdmin();
    io.vertx.core.Future<List<AgentsView.Token>> tokens = !admin ? io.vertx.core.Future.succeededFuture(List.of())
        : api.get(session.token(), ApiPath.of("agents", "enrollment-tokens"), java.util.Map.of(), Calls.of(ctx))
            .map(page -> page.getJsonArray("items", new io.vertx.core.json.JsonArray()).stream()
                .map(o -> (JsonObject) o).map(t -> new AgentsView.Token(Json.text(t, "id"), Json.text(t, "name"),
                    Format.time(Json.text(t, "expiresAt")), Boolean.TRUE.equals(t.getBoolean("singleUse")),
                    Json.text(t, "lastUsedAt") == null ? "never" : Format.time(Json.text(t, "lastUsedAt")),
                    Json.text(t, "revokedAt") != null)).toList());
    fleet.read(session.token(), admin, Calls.of(ctx))
        .compose(rows -> tokens.map(list -> new AgentsView(Nav.of(session, "agents"), rows,
            rows.stream().filter(r -> "READY".equals(r.state())).count(), admin, list)))
        .onSuccess(view -> pages.render(ctx, 200, "agents/list.jte", view))
        .onFailure(ctx::fail);
  }

  /** POST /agents/:id/disable, /enable and /delete: the agent's credential stops (or starts) working at once. */
  public void disable(RoutingContext ctx) {
    act(ctx, api -> api.post(Sessions.current(ctx).token(), ApiPath.of("agents", ctx.pathParam("id"), "disable"),
        null, Calls.of(ctx)), "Agent disabled; its replicas are being placed on other agents.");
  }

  public void approve(RoutingContext ctx) {
    act(ctx, api -> api.post(Sessions.current(ctx).token(), ApiPath.of("agents", ctx.pathParam("id"), "approve"),
        null, Calls.of(ctx)), "Agent capacity approved as it reports it now.");
  }

  /** POST /agents/:id/rotate-serving-key: a new serving key, handed over with the agent's next heartbeat. */
  public void rotateServingKey(RoutingContext ctx) {
    act(ctx, api -> api.post(Sessions.current(ctx).token(), ApiPath.of("agents", ctx.pathParam("id"),
        "rotate-serving-key"), null, Calls.of(ctx)), "Serving key rotation started: gateways switch once the agent "
        + "confirms the new key; the old one stops working two lease periods later.");
  }

  public void enable(RoutingContext ctx) {
    act(ctx, api -> api.post(Sessions.current(ctx).token(), ApiPath.of("agents", ctx.pathParam("id"), "enable"),
        null, Calls.of(ctx)), "Agent enabled.");
  }

  public void delete(RoutingContext ctx) {
    act(ctx, api -> api.delete(Sessions.current(ctx).token(), ApiPath.of("agents", ctx.pathParam("id")),
        Calls.of(ctx)), "Agent deleted; its replicas are being placed on other agents.");
  }

  /** POST /agents/enrollment-tokens/:id/revoke. */
  public void revokeToken(RoutingContext ctx) {
    act(ctx, api -> api.delete(Sessions.current(ctx).token(), ApiPath.of("agents", "enrollment-tokens",
        ctx.pathParam("id")), Calls.of(ctx)), "Enrollment token revoked.");
  }

  private void act(RoutingContext ctx, java.util.function.Function<AdminApiClient, io.vertx.core.Future<JsonObject>> call,
                   String done) {
    call.apply(api).onSuccess(x -> FormOutcome.done(ctx, done, "/agents"))
        .onFailure(err -> FormOutcome.refused(ctx, err, "/agents"));
  }

  public void createEnrollmentToken(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String name = Params.form(ctx, "name", 200);
    String hours = Params.form(ctx, "ttlHours", 4);
    JsonObject body = new JsonObject();
    if (name != null) {
      body.put("name", name);
    }
    if ("on".equals(Params.form(ctx, "singleUse", 4))) {
      body.put("singleUse", true);
    }
    if (hours != null) {
      try {
        body.put("ttlSeconds", Integer.parseInt(hours) * 3600);
      } catch (NumberFormatException e) {
        FormOutcome.invalid(ctx, "The validity must be a whole number of hours.", "/agents");
        return;
      }
    }
    api.post(session.token(), ApiPath.of("agents", "enrollment-tokens"), body, Calls.of(ctx))
        .onSuccess(t -> pages.render(ctx, 201, "secret.jte", new SecretView(Nav.of(session, "agents"),
            "Enrollment token created", "Enrollment token", Json.text(t, "token"),
            "Start an agent with MMAAS_AGENT_ENROLLMENT_TOKEN set to this value. It is shown only now.",
            List.of(new SecretView.Fact("Name", String.valueOf(Json.text(t, "name"))),
                new SecretView.Fact("Valid until", Format.time(Json.text(t, "expiresAt")))),
            "/agents", "Back to agents")))
        .onFailure(err -> FormOutcome.refused(ctx, err, "/agents"));
  }
}
