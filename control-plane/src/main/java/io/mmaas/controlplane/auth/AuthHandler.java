package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.errors.UnauthorizedException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/** Sign-in and sign-out, the caller's own account, and the bearer-token check in front of every other admin route. */
public final class AuthHandler {
  private static final Pattern USERNAME = Pattern.compile(".{1,100}");
  private static final Pattern PASSWORD = Pattern.compile("(?s).{1,1024}");

  private final AuthService auth;

  public AuthHandler(AuthService auth) {
    this.auth = auth;
  }

  public void login(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("username", "password"));
    String username = Bodies.requiredString(body, "username", USERNAME, "must have 1 to 100 characters");
    String password = Bodies.requiredString(body, "password", PASSWORD, "must have 1 to 1024 characters");
    Responses.reply(ctx, 200, auth.login(Callers.from(ctx, Actor.anonymous(username)), username, password)
        .map(s -> new JsonObject().put("token", s.token().token())
            .put("expiresAt", Instant.ofEpochSecond(s.token().expiresAtEpochSecond()).toString())
            .put("user", AuthService.userJson(s.user().id().toString(), s.user().username(), s.user().role(),
                s.tenantName()))));
  }

  public void logout(RoutingContext ctx) {
    auth.logout(Callers.of(ctx)).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  public void me(RoutingContext ctx) {
    Responses.reply(ctx, 200, auth.describe(Callers.of(ctx).actor()));
  }

  public void changePassword(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("currentPassword", "newPassword"));
    String current = UserHandler.password(body, "currentPassword");
    String next = UserHandler.password(body, "newPassword");
    auth.changePassword(Callers.of(ctx), current, next).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** Checks the bearer token and its session, and stores the caller; anything else is 401. */
  public void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(new UnauthorizedException("sign in first: send 'Authorization: Bearer <token>'"));
      return;
    }
    auth.authenticate(header.substring(7).trim())
        .onSuccess(actor -> {
          ctx.put(Callers.KEY, Callers.from(ctx, actor));
          ctx.next();
        })
        .onFailure(ctx::fail);
  }
}
