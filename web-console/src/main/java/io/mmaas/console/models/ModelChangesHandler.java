package io.mmaas.console.models;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Params;
import io.mmaas.console.pages.FormOutcome;
import io.mmaas.console.pages.TenantLinks;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Changes to models and versions after upload: a version's description and metadata, deleting a version, deleting a
 * model. The API refuses deletes of what is deployed or aliased (409); its message comes back as the notice.
 */
public final class ModelChangesHandler {
  static final int MAX_METADATA_CHARS = 16 * 1024;

  private final AdminApiClient api;

  public ModelChangesHandler(AdminApiClient api) {
    this.api = api;
  }

  /** POST …/versions/:version/edit {description, metadata (a JSON object, blank for none)}. */
  public void annotate(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String version = version(ctx);
    String page = AliasesHandler.modelHref(tenant, model) + "/versions/" + version;
    String description = Params.form(ctx, "description", 4000);
    String metadata = Params.form(ctx, "metadata", MAX_METADATA_CHARS);
    JsonObject body = new JsonObject().put("description", description == null ? "" : description);
    try {
      body.put("metadata", metadata == null ? new JsonObject() : new JsonObject(metadata));
    } catch (DecodeException | ClassCastException e) {
      FormOutcome.invalid(ctx, "Metadata must be a JSON object, such as {\"owner\": \"search team\"}.", page);
      return;
    }
    api.patch(session.token(), ApiPath.tenant(tenant, "models", model, "versions", version), body, Calls.of(ctx))
        .onSuccess(v -> FormOutcome.done(ctx, "Description and metadata of v" + version + " saved.", page))
        .onFailure(err -> FormOutcome.refused(ctx, err, page));
  }

  /** POST …/versions/:version/delete. */
  public void deleteVersion(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String version = version(ctx);
    String modelHref = AliasesHandler.modelHref(tenant, model);
    api.delete(session.token(), ApiPath.tenant(tenant, "models", model, "versions", version), Calls.of(ctx))
        .onSuccess(x -> FormOutcome.done(ctx, "Version " + version + " deleted.", modelHref))
        .onFailure(err -> FormOutcome.refused(ctx, err, modelHref + "/versions/" + version));
  }

  /** POST /tenants/:tenant/models/:model/delete. */
  public void deleteModel(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    api.delete(session.token(), ApiPath.tenant(tenant, "models", model), Calls.of(ctx))
        .onSuccess(x -> FormOutcome.done(ctx, "Model " + model + " deleted with its versions and aliases.",
            TenantLinks.base(tenant) + "/models"))
        .onFailure(err -> FormOutcome.refused(ctx, err, AliasesHandler.modelHref(tenant, model)));
  }

  private static String version(RoutingContext ctx) {
    String v = ctx.pathParam("version");
    if (!v.matches("\\d{1,10}")) {
      throw new HttpException(404, "no such version");
    }
    return v;
  }
}
