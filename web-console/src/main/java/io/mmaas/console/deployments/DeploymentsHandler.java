package io.mmaas.console.deployments;

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
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A tenant's deployments: list with status, create, and one deployment with why each replica is not running. */
public final class DeploymentsHandler {
  static final int PAGE_SIZE = 50;
  static final int VERSIONS_OFFERED = 200;
  private static final Set<String> PROVIDERS = Set.of("auto", "cpu", "cuda");

  private final AdminApiClient api;
  private final PageRenderer pages;

  public DeploymentsHandler(AdminApiClient api, PageRenderer pages) {
    this.api = api;
    this.pages = pages;
  }

  public void list(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String after = Params.cursor(ctx, "after");
    String base = TenantLinks.base(tenant) + "/deployments";
    Map<String, String> query = after == null ? Map.of("limit", "" + PAGE_SIZE)
        : Map.of("limit", "" + PAGE_SIZE, "after", after);
    Future<JsonObject> deployments = api.get(session.token(), ApiPath.tenant(tenant, "deployments"), query,
        Calls.of(ctx));
    Future<JsonObject> models = api.get(session.token(), ApiPath.tenant(tenant, "models"), Map.of("limit", "200"),
        Calls.of(ctx));
    Future.all(deployments, models)
        .map(x -> {
          String next = Json.text(deployments.result(), "nextCursor");
          return new DeploymentsView(Nav.of(session, "deployments"), tenant, base,
              Json.objects(deployments.result(), "items").stream().map(d -> DeploymentRow.of(d, base)).toList(),
              Json.objects(models.result(), "items").stream().map(m -> Json.text(m, "name")).toList(),
              next == null ? null : base + "?after=" + TenantLinks.query(next), after != null);
        })
        .onSuccess(view -> pages.render(ctx, 200, "deployments/list.jte", view))
        .onFailure(ctx::fail);
  }

  public void show(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String base = TenantLinks.base(tenant) + "/deployments";
    api.get(session.token(), ApiPath.tenant(tenant, "deployments", ctx.pathParam("id")), Map.of(), Calls.of(ctx))
        .compose(d -> {
          DeploymentRow row = DeploymentRow.of(d, base);
          return versions(session, tenant, row.model(), ctx).map(versions -> new DeploymentView(
              Nav.of(session, "deployments"), tenant, base, row,
              TenantLinks.base(tenant) + "/playground?model=" + TenantLinks.query(row.model()), versions));
        })
        .onSuccess(view -> pages.render(ctx, 200, "deployments/deployment.jte", view))
        .onFailure(ctx::fail);
  }

  /** The model's version numbers (the first {@value #VERSIONS_OFFERED}), newest first, for the rollout form. */
  private Future<List<Long>> versions(ConsoleSession session, String tenant, String model, RoutingContext ctx) {
    return api.get(session.token(), ApiPath.tenant(tenant, "models", model, "versions"),
            Map.of("limit", "" + VERSIONS_OFFERED), Calls.of(ctx))
        .map(page -> {
          List<Long> numbers = new ArrayList<>(Json.objects(page, "items").stream()
              .map(v -> Json.number(v, "version", 0)).toList());
          Collections.reverse(numbers);
          return numbers;
        });
  }

  public void create(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String base = TenantLinks.base(tenant) + "/deployments";
    String model = Params.form(ctx, "model", 128);
    String version = Params.form(ctx, "version", 10);
    String replicas = Params.form(ctx, "replicas", 3);
    String provider = Params.form(ctx, "executionProvider", 10);
    if (model == null) {
      FormOutcome.invalid(ctx, "Choose a model to deploy.", base);
      return;
    }
    JsonObject body = new JsonObject().put("model", model);
    try {
      if (version != null) {
        body.put("version", Integer.parseInt(version));
      }
      if (replicas != null) {
        body.put("replicas", Integer.parseInt(replicas));
      }
    } catch (NumberFormatException e) {
      FormOutcome.invalid(ctx, "Version and replicas must be whole numbers.", base);
      return;
    }
    if (provider != null && PROVIDERS.contains(provider) && !"auto".equals(provider)) {
      body.put("runtime", new JsonObject().put("executionProvider", provider));
    }
    api.post(session.token(), ApiPath.tenant(tenant, "deployments"), body, Calls.of(ctx))
        .onSuccess(d -> FormOutcome.done(ctx, "Deployment of " + model + " v" + Json.number(d, "version", 0)
            + " created; replicas start as agents pick it up.", base + "/" + Json.text(d, "id")))
        .onFailure(err -> FormOutcome.refused(ctx, err, base));
  }
}
