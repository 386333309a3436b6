package io.mmaas.console.models;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiException;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.api.Json;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Params;
import io.mmaas.console.http.Redirects;
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
import java.util.regex.Pattern;

/**
 * A model's aliases and signature comparisons. Setting an alias is one PUT; when the API refuses it (409) because
 * the new version would break the alias's clients, the user lands on a page that shows the signature diff between
 * the alias's current version and the new one, with a form that moves it anyway ({@code force}).
 */
public final class AliasesHandler {
  static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final String VERSION = "\\d{1,10}";

  private final AdminApiClient api;
  private final PageRenderer pages;

  public AliasesHandler(AdminApiClient api, PageRenderer pages) {
    this.api = api;
    this.pages = pages;
  }

  /** POST …/aliases {alias, version, force?}. */
  public void set(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String href = modelHref(tenant, model);
    String alias = Params.form(ctx, "alias", 63);
    String version = Params.form(ctx, "version", 10);
    boolean force = "true".equals(Params.form(ctx, "force", 5));
    if (alias == null || !ALIAS.matcher(alias).matches() || version == null || !version.matches(VERSION)) {
      FormOutcome.invalid(ctx, "An alias is 1-63 lower-case letters, digits, '_' or '-', starting with a letter, "
          + "and needs a version.", href);
      return;
    }
    JsonObject body = new JsonObject().put("version", Long.parseLong(version));
    if (force) {
      body.put("force", true);
    }
    api.put(session.token(), ApiPath.tenant(tenant, "models", model, "aliases", alias), body, Calls.of(ctx))
        .onSuccess(r -> FormOutcome.done(ctx, moved(alias, r), href))
        .onFailure(err -> {
          if (!force && err instanceof ApiException e && e.status() == 409) {
            Redirects.seeOther(ctx, href + "/aliases/" + alias + "/move?version=" + version);
          } else {
            FormOutcome.refused(ctx, err, href);
          }
        });
  }

  /** POST …/aliases/:alias/delete. */
  public void remove(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String alias = ctx.pathParam("alias");
    api.delete(session.token(), ApiPath.tenant(tenant, "models", model, "aliases", alias), Calls.of(ctx))
        .onSuccess(x -> FormOutcome.done(ctx, "Alias " + alias + " removed.", modelHref(tenant, model)))
        .onFailure(err -> FormOutcome.refused(ctx, err, modelHref(tenant, model)));
  }

  /** GET …/aliases/:alias/move?version=N: what moving the alias would change, and the form that forces it. */
  public void confirmMove(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String alias = ctx.pathParam("alias");
    String version = Params.query(ctx, "version", 10);
    if (!ALIAS.matcher(alias).matches() || version == null || !version.matches(VERSION)) {
      throw new HttpException(400, "bad alias or version");
    }
    String href = modelHref(tenant, model);
    api.get(session.token(), ApiPath.tenant(tenant, "models", model, "aliases"), Map.of(), Calls.of(ctx))
        .compose(list -> {
          Long current = Json.objects(list, "items").stream().filter(a -> alias.equals(Json.text(a, "alias")))
              .map(a -> Json.number(a, "version", 0)).findFirst().orElse(null);
          Future<SignatureDiffRow> diff = current == null ? Future.succeededFuture(null)
              : diff(session, ctx, tenant, model, current.toString(), version);
          return diff.map(d -> new AliasMoveView(Nav.of(session, "models"), tenant, model, href, alias, current,
              Long.parseLong(version), d));
        })
        .onSuccess(view -> pages.render(ctx, 200, "models/aliasMove.jte", view))
        .onFailure(ctx::fail);
  }

  /** GET …/diff?from=A&to=B: how B's signature differs from A's. */
  public void compare(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String model = ctx.pathParam("model");
    String from = Params.query(ctx, "from", 10);
    String to = Params.query(ctx, "to", 10);
    if (from == null || to == null || !from.matches(VERSION) || !to.matches(VERSION)) {
      throw new HttpException(400, "bad versions");
    }
    diff(session, ctx, tenant, model, from, to)
        .map(d -> new DiffView(Nav.of(session, "models"), tenant, model, modelHref(tenant, model), d))
        .onSuccess(view -> pages.render(ctx, 200, "models/diff.jte", view))
        .onFailure(ctx::fail);
  }

  private Future<SignatureDiffRow> diff(ConsoleSession session, RoutingContext ctx, String tenant, String model,
      String from, String to) {
    return api.get(session.token(), ApiPath.tenant(tenant, "models", model, "versions", to, "diff"),
        Map.of("against", from), Calls.of(ctx)).map(SignatureDiffRow::of);
  }

  private static String moved(String alias, JsonObject r) {
    Long previous = Json.numberOrNull(r, "previousVersion");
    String text = "Alias " + alias + " now points at v" + Json.number(r, "version", 0);
    if (previous == null) {
      return text + ".";
    }
    SignatureDiffRow diff = SignatureDiffRow.of(Json.object(r, "diff"));
    return text + " (was v" + previous + "; " + (Json.flag(r, "forced") ? "moved although the signature is incompatible"
        : diff.identical() ? "same signature" : "signature compatible") + ").";
  }

  static String modelHref(String tenant, String model) {
    return TenantLinks.base(tenant) + "/models/" + TenantLinks.segment(model);
  }
}
