package io.mmaas.console.keys;

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
import io.mmaas.console.pages.TenantLinks;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A tenant's API keys: list, create (secret shown once), revoke, rotate (new secret shown once). */
public final class ApiKeysHandler {
  static final int PAGE_SIZE = 50;

  private final AdminApiClient api;
  private final PageRenderer pages;
  private final Clock clock;

  public ApiKeysHandler(AdminApiClient api, PageRenderer pages, Clock clock) {
    this.api = api;
    this.pages = pages;
    this.clock = clock;
  }

  public void list(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String after = Params.cursor(ctx, "after");
    String base = TenantLinks.base(tenant) + "/api-keys";
    Map<String, String> query = after == null ? Map.of("limit", "" + PAGE_SIZE)
        : Map.of("limit", "" + PAGE_SIZE, "after", after);
    api.get(session.token(), ApiPath.tenant(tenant, "api-keys"), query, Calls.of(ctx))
        .map(page -> {
          String next = Json.text(page, "nextCursor");
          return new KeysView(Nav.of(session, "keys"), tenant, base,
              Json.objects(page, "items").stream().map(k -> KeyRow.of(k, clock.instant())).toList(),
              next == null ? null : base + "?after=" + TenantLinks.query(next), after != null);
        })
        .onSuccess(view -> pages.render(ctx, 200, "keys/list.jte", view))
        .onFailure(ctx::fail);
  }

  public void create(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String base = TenantLinks.base(tenant) + "/api-keys";
    KeyForm form;
    try {
      form = KeyForm.parse(Params.form(ctx, "name", 200), scopes(ctx), Params.form(ctx, "models", 4000),
          Params.form(ctx, "expiresOn", 10));
    } catch (IllegalArgumentException e) {
      FormOutcome.invalid(ctx, e.getMessage(), base);
      return;
    }
    api.post(session.token(), ApiPath.tenant(tenant, "api-keys"), form.toJson(), Calls.of(ctx))
        .onSuccess(k -> showSecret(ctx, session, "API key created", k, base))
        .onFailure(err -> FormOutcome.refused(ctx, err, base));
  }

  public void revoke(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String base = TenantLinks.base(tenant) + "/api-keys";
    api.delete(session.token(), ApiPath.tenant(tenant, "api-keys", ctx.pathParam("id")), Calls.of(ctx))
        .onSuccess(k -> FormOutcome.done(ctx, "Key " + Json.text(k, "name") + " revoked.", base))
        .onFailure(err -> FormOutcome.refused(ctx, err, base));
  }

  public void rotate(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String tenant = ctx.pathParam("tenant");
    String base = TenantLinks.base(tenant) + "/api-keys";
    String grace = Params.form(ctx, "graceMinutes", 6);
    JsonObject body = new JsonObject();
    if (grace != null) {
      try {
        long minutes = Long.parseLong(grace);
        if (minutes < 0 || minutes > 43_200) {
          throw new NumberFormatException();
        }
        body.put("oldKeyExpiresAt", clock.instant().plus(Duration.ofMinutes(minutes)).toString());
      } catch (NumberFormatException e) {
        FormOutcome.invalid(ctx, "The grace period must be 0 to 43200 minutes.", base);
        return;
      }
    }
    api.post(session.token(), ApiPath.tenant(tenant, "api-keys", ctx.pathParam("id"), "rotate"), body, Calls.of(ctx))
        .onSuccess(k -> showSecret(ctx, session, "API key rotated", k, base))
        .onFailure(err -> FormOutcome.refused(ctx, err, base));
  }

  private void showSecret(RoutingContext ctx, ConsoleSession session, String title, JsonObject k, String base) {
    List<SecretView.Fact> facts = new ArrayList<>();
    facts.add(new SecretView.Fact("Name", String.valueOf(Json.text(k, "name"))));
    facts.add(new SecretView.Fact("Prefix", String.valueOf(Json.text(k, "prefix"))));
    List<String> scopes = Json.texts(k, "scopes");
    facts.add(new SecretView.Fact("Scopes", scopes == null ? "" : String.join(", ", scopes)));
    List<String> models = Json.texts(k, "models");
    facts.add(new SecretView.Fact("Models", models == null ? "all models" : String.join(", ", models)));
    String expires = Json.text(k, "expiresAt");
    facts.add(new SecretView.Fact("Expires", expires == null ? "never" : Format.time(expires)));
    pages.render(ctx, 201, "secret.jte", new SecretView(Nav.of(session, "keys"), title, "API key",
        Json.text(k, "key"), "Store it in your application's secret store now: the platform keeps only a hash and "
            + "cannot show it again. Applications send it as 'Authorization: Bearer <key>'.", facts, base,
        "Back to API keys"));
  }

  private static List<String> scopes(RoutingContext ctx) {
    return ctx.request().formAttributes().getAll("scopes").stream().filter(s -> s.length() <= 20).toList();
  }
}
