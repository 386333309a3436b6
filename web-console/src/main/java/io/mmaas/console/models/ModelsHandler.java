package io.mmaas.console.models;

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
import io.vertx.ext.web.handler.HttpException;
import java.util.Map;

/** A tenant's models: list and create, one model with its aliases and versions, and one version's signature. */
public final class ModelsHandler {
  static final int PAGE_SIZE = 50;

  private final AdminApiClient api;
  private final PageRenderer pages;

  public ModelsHandler(AdminApiClient api, PageRenderer pages) {
    this.api = api;
    this.pages = pages;
  }

  public void list(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String after = Params.cursor(ctx, "after");
    String base = TenantLinks.base(tenant) + "/models";
    Map<String, String> query = after == null ? Map.of("limit", "" + PAGE_SIZE)
        : Map.of("limit", "" + PAGE_SIZE, "after", after);
    api.get(session.token(), ApiPath.tenant(tenant, "models"), query, Calls.of(ctx))
        .map(page -> {
          String next = Json.text(page, "nextCursor");
          return new ModelsView(Nav.of(session, "models"), tenant, base,
              Json.objects(page, "items").stream().map(m -> ModelRow.of(m, base)).toList(),
              next == null ? null : base + "?after=" + TenantLinks.query(next), after != null);
        })
        .onSuccess(view -> pages.render(ctx, 200, "models/list.jte", view))
        .onFailure(ctx::fail);
  }

  public void create(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String base = TenantLinks.base(tenant) + "/models";
    String name = Params.form(ctx, "name", 128);
    String description = Params.form(ctx, "description", 4000);
    if (name == null) {
      FormOutcome.invalid(ctx, "A model needs a name.", base);
      return;
    }
    JsonObject body = new JsonObject().put("name", name);
    if (description != null) {
      body.put("description", description);
    }
    api.post(session.token(), ApiPath.tenant(tenant, "models"), body, Calls.of(ctx))
        .onSuccess(m -> FormOutcome.done(ctx, "Model " + name + " created. Upload its first version below.",
            base + "/" + TenantLinks.segment(name)))
        .onFailure(err -> FormOutcome.refused(ctx, err, base));
  }

  public void show(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String href = TenantLinks.base(tenant) + "/models/" + TenantLinks.segment(model);
    String after = Params.query(ctx, "afterVersion", 10);
    if (after != null && !after.matches("\\d{1,10}")) {
      throw new HttpException(400, "bad cursor");
    }
    Map<String, String> query = after == null ? Map.of("limit", "" + PAGE_SIZE)
        : Map.of("limit", "" + PAGE_SIZE, "afterVersion", after);
    Future<JsonObject> m = api.get(session.token(), ApiPath.tenant(tenant, "models", model), Map.of(), Calls.of(ctx));
    Future<JsonObject> versions = api.get(session.token(), ApiPath.tenant(tenant, "models", model, "versions"), query,
        Calls.of(ctx));
    Future<JsonObject> aliases = api.get(session.token(), ApiPath.tenant(tenant, "models", model, "aliases"), Map.of(),
        Calls.of(ctx));
    Future.all(m, versions, aliases)
        .map(x -> {
          String next = Json.text(versions.result(), "nextAfterVersion");
          String description = Json.text(m.result(), "description");
          return new ModelView(Nav.of(session, "models"), tenant, model, description == null ? "" : description, href,
              Json.objects(versions.result(), "items").stream().map(v -> VersionRow.of(v, href)).toList(),
              next == null ? null : href + "?afterVersion=" + TenantLinks.query(next), after != null,
              Json.objects(aliases.result(), "items").stream().map(AliasRow::of).toList());
        })
        .onSuccess(view -> pages.render(ctx, 200, "models/model.jte", view))
        .onFailure(ctx::fail);
  }

  public void version(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String version = ctx.pathParam("version");
    if (!version.matches("\\d{1,10}")) {
      throw new HttpException(404, "no such version");
    }
    String href = TenantLinks.base(tenant) + "/models/" + TenantLinks.segment(model);
    api.get(session.token(), ApiPath.tenant(tenant, "models", model, "versions", version), Map.of(), Calls.of(ctx))
        .map(v -> new VersionView(Nav.of(session, "models"), tenant, model, href,
            TenantLinks.base(tenant) + "/deployments", VersionRow.of(v, href)))
        .onSuccess(view -> pages.render(ctx, 200, "models/version.jte", view))
        .onFailure(ctx::fail);
  }
}
