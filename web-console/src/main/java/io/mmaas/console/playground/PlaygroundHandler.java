package io.mmaas.console.playground;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.Json;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Params;
import io.mmaas.console.pages.FormOutcome;
import io.mmaas.console.pages.Nav;
import io.mmaas.console.pages.PageRenderer;
import io.mmaas.console.pages.TenantLinks;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * The playground sends a test inference to a deployed model through the gateway. The console holds no data-plane
 * credential: the user pastes an API key for this one call, which is neither stored nor shown again.
 */
public final class PlaygroundHandler {
  static final int MAX_REQUEST_CHARS = 512 * 1024;

  private final AdminApiClient api;
  private final GatewayClient gateway;
  private final PageRenderer pages;
  private final String gatewayUrl;

  public PlaygroundHandler(AdminApiClient api, GatewayClient gateway, PageRenderer pages, String gatewayUrl) {
    this.api = api;
    this.gateway = gateway;
    this.pages = pages;
    this.gatewayUrl = gatewayUrl;
  }

  public void show(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String wanted = Params.query(ctx, "model", 128);
    deployed(session, tenant, ctx)
        .compose(deployed -> {
          String model = wanted != null && deployed.containsKey(wanted) ? wanted
              : deployed.isEmpty() ? null : deployed.keySet().iterator().next();
          if (model == null) {
            return Future.succeededFuture(view(session, tenant, deployed, null, "", null));
          }
          return api.get(session.token(), ApiPath.tenant(tenant, "models", model, "versions",
                  Long.toString(deployed.get(model))), Map.of(), Calls.of(ctx))
              .map(v -> view(session, tenant, deployed, model, SampleRequest.from(v), null));
        })
        .onSuccess(view -> pages.render(ctx, 200, "playground/playground.jte", view))
        .onFailure(ctx::fail);
  }

  public void infer(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String back = TenantLinks.base(tenant) + "/playground";
    String model = Params.form(ctx, "model", 128);
    String key = Params.form(ctx, "apiKey", 512);
    String request = ctx.request().getFormAttribute("request");
    if (model == null || key == null || request == null || request.isBlank()) {
      FormOutcome.invalid(ctx, "Choose a model, paste an API key and write a request.", back);
      return;
    }
    if (request.length() > MAX_REQUEST_CHARS) {
      FormOutcome.invalid(ctx, "The request is larger than the playground sends.", back);
      return;
    }
    try {
      new JsonObject(request);
    } catch (DecodeException e) {
      deployed(session, tenant, ctx)
          .onSuccess(deployed -> pages.render(ctx, 400, "playground/playground.jte", view(session, tenant, deployed,
              model, request, new GatewayClient.Answer(400, "The request is not a JSON object: " + e.getMessage(),
                  false, 0))))
          .onFailure(ctx::fail);
      return;
    }
    Future<Map<String, Long>> deployed = deployed(session, tenant, ctx);
    Future<GatewayClient.Answer> answer = gateway.infer(key, model, request, Calls.of(ctx))
        .recover(err -> Future.succeededFuture(new GatewayClient.Answer(503,
            "The gateway at " + gatewayUrl + " could not be reached or did not answer in time.", false, 0)));
    Future.all(deployed, answer)
        .onSuccess(x -> pages.render(ctx, 200, "playground/playground.jte",
            view(session, tenant, deployed.result(), model, request, answer.result())))
        .onFailure(ctx::fail);
  }

  /** The tenant's deployed models and the version each serves (the first deployment's, by name). */
  private Future<Map<String, Long>> deployed(ConsoleSession session, String tenant, RoutingContext ctx) {
    return api.get(session.token(), ApiPath.tenant(tenant, "deployments"), Map.of("limit", "200"), Calls.of(ctx))
        .map(page -> {
          Map<String, Long> out = new java.util.LinkedHashMap<>();
          Json.objects(page, "items").forEach(d -> out.putIfAbsent(Json.text(d, "model"), Json.number(d, "version", 1)));
          return out;
        });
  }

  private PlaygroundView view(ConsoleSession session, String tenant, Map<String, Long> deployed, String model,
      String request, GatewayClient.Answer answer) {
    String result = null;
    if (answer != null) {
      result = answer.body();
      try {
        result = new JsonObject(answer.body()).encodePrettily();
      } catch (DecodeException | ClassCastException e) {
        // not JSON: shown as it came
      }
    }
    return new PlaygroundView(Nav.of(session, "playground"), tenant, TenantLinks.base(tenant) + "/playground",
        List.copyOf(deployed.keySet()), model, request, answer == null ? 0 : answer.status(), result,
        answer != null && answer.cut(), answer == null ? 0 : answer.millis(), gatewayUrl);
  }
}
