package io.mmaas.console.account;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiException;
import io.mmaas.console.api.ApiPath;
import io.mmaas.console.http.Calls;
import io.mmaas.console.pages.FormOutcome;
import io.mmaas.console.pages.Nav;
import io.mmaas.console.pages.PageRenderer;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Sessions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Changing one's own password through {@code POST /api/v1/me/password} (which ends the user's other sessions). */
public final class PasswordHandler {
  static final int MIN_LENGTH = 12;
  private static final int MAX_LENGTH = 1024;

  private final AdminApiClient api;
  private final PageRenderer pages;

  public PasswordHandler(AdminApiClient api, PageRenderer pages) {
    this.api = api;
    this.pages = pages;
  }

  /**
   * The form. It needs nothing from the API, but asks it who the token belongs to, as every other page does by its
   * calls: a session ended elsewhere (signed out on another replica, password changed, user disabled) is sent to
   * sign-in here too.
   */
  public void show(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    api.me(session.token(), Calls.of(ctx))
        .onSuccess(user -> pages.render(ctx, 200, "account/password.jte",
            new PasswordView(Nav.of(session, user, "password"), null)))
        .onFailure(ctx::fail);
  }

  public void change(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    String current = orEmpty(ctx.request().getFormAttribute("currentPassword"));
    String next = orEmpty(ctx.request().getFormAttribute("newPassword"));
    String confirm = orEmpty(ctx.request().getFormAttribute("confirmPassword"));
    if (current.isEmpty() || current.length() > MAX_LENGTH || next.length() > MAX_LENGTH) {
      again(ctx, session, 400, "Enter your current password.");
      return;
    }
    if (next.length() < MIN_LENGTH) {
      again(ctx, session, 400, "The new password needs at least " + MIN_LENGTH + " characters.");
      return;
    }
    if (!next.equals(confirm)) {
      again(ctx, session, 400, "The two new passwords differ.");
      return;
    }
    api.post(session.token(), ApiPath.of("me", "password"),
            new JsonObject().put("currentPassword", current).put("newPassword", next), Calls.of(ctx))
        .onSuccess(x -> FormOutcome.done(ctx, "Password changed. Your other sessions were signed out.", "/"))
        .onFailure(err -> {
          if (err instanceof ApiException e && (e.status() == 400 || e.status() == 403 || e.status() == 422)) {
            again(ctx, session, 400, e.getMessage());
          } else {
            ctx.fail(err);
          }
        });
  }

  private void again(RoutingContext ctx, ConsoleSession session, int status, String error) {
    pages.render(ctx, status, "account/password.jte", new PasswordView(Nav.of(session, "password"), error));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
