package io.mmaas.console.session;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiException;
import io.mmaas.console.http.Calls;
import io.mmaas.console.http.Redirects;
import io.mmaas.console.http.RequestIds;
import io.mmaas.console.pages.LoginView;
import io.mmaas.console.pages.PageRenderer;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sign-in page, signing in through the admin API, and signing out. The API checks the credentials (and
 * audits failures); the console keeps the token it returns in a fresh session, sealed in the session cookie.
 */
public final class SignInHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SignInHandler.class);
  static final String INVALID = "Invalid username or password";
  static final String THROTTLED = "Too many sign-in attempts. Wait a moment and try again.";
  private static final int MAX_USERNAME = 256;
  private static final int MAX_PASSWORD = 1024;

  private final AdminApiClient api;
  private final Sessions sessions;
  private final SessionCookies cookies;
  private final LoginCsrf loginCsrf;
  private final PageRenderer pages;

  public SignInHandler(AdminApiClient api, Sessions sessions, SessionCookies cookies, LoginCsrf loginCsrf,
      PageRenderer pages) {
    this.api = api;
    this.sessions = sessions;
    this.cookies = cookies;
    this.loginCsrf = loginCsrf;
    this.pages = pages;
  }

  /** GET /login: the form, with a pre-session cookie its CSRF token is bound to. */
  public void showForm(RoutingContext ctx) {
    if (Sessions.current(ctx) != null) {
      Redirects.seeOther(ctx, "/");
      return;
    }
    String preSession = cookies.value(ctx, cookies.loginName());
    if (!loginCsrf.reusable(preSession)) {
      preSession = loginCsrf.newPreSession();
      ctx.response().addCookie(cookies.login(preSession, LoginCsrf.TTL));
    }
    pages.render(ctx, 200, "login.jte", new LoginView(loginCsrf.formToken(preSession), null, null));
  }

  /** POST /login (behind {@link CsrfGuard#loginForm()}): a new session and a redirect home, or the form again. */
  public void signIn(RoutingContext ctx) {
    String username = orEmpty(ctx.request().getFormAttribute("username"));
    String password = orEmpty(ctx.request().getFormAttribute("password"));
    if (username.isBlank() || password.isEmpty() || username.length() > MAX_USERNAME
        || password.length() > MAX_PASSWORD) {
      formAgain(ctx, 401, username, INVALID);
      return;
    }
    api.login(username, password, Calls.of(ctx))
        .compose(signIn -> endPrevious(ctx).map(signIn))
        .onSuccess(signIn -> {
          sessions.begin(ctx, signIn);
          ctx.response().addCookie(cookies.cleared(cookies.loginName()));
          LOG.info("{} ({}) signed in [{}]", signIn.user().username(), signIn.user().role(), RequestIds.of(ctx));
          Redirects.seeOther(ctx, "/");
        })
        .onFailure(err -> {
          if (err instanceof ApiException e && (e.status() == 401 || e.status() == 400)) {
            LOG.debug("sign-in refused by the admin API: {} [{}]", e.code(), RequestIds.of(ctx));
            formAgain(ctx, 401, username, INVALID);
          } else if (err instanceof ApiException e && e.status() == 429) {
            formAgain(ctx, 429, username, THROTTLED);
          } else {
            ctx.fail(err);
          }
        });
  }

  /**
   * POST /logout (behind sign-in and {@link CsrfGuard#sessionForm()}): the API ends the token first, so it dies with
   * the session; the console's session ends whatever the API answers (a token it refuses is dead already).
   */
  public void signOut(RoutingContext ctx) {
    ConsoleSession session = Sessions.current(ctx);
    api.logout(session.token(), Calls.of(ctx))
        .onFailure(err -> LOG.warn("the admin API did not confirm the sign-out of {}: {} [{}]",
            session.user().username(), err.getMessage(), RequestIds.of(ctx)))
        .onComplete(x -> {
          sessions.end(ctx);
          Redirects.seeOther(ctx, "/login");
        });
  }

  /**
   * A browser that signs in while it still has a session (or a session cookie planted by someone else) ends that
   * session's token at the admin API first, so one browser never holds two live tokens; failures do not stop the
   * sign-in.
   */
  private Future<Void> endPrevious(RoutingContext ctx) {
    ConsoleSession previous = Sessions.current(ctx);
    if (previous == null) {
      return Future.succeededFuture();
    }
    return api.logout(previous.token(), Calls.of(ctx))
        .otherwise(err -> {
          LOG.debug("the session this browser had before signing in was not confirmed ended: {} [{}]",
              err.getMessage(), RequestIds.of(ctx));
          return null;
        });
  }

  private void formAgain(RoutingContext ctx, int status, String username, String error) {
    String preSession = cookies.value(ctx, cookies.loginName());
    String shownName = username.length() > MAX_USERNAME ? "" : username;
    pages.render(ctx, status, "login.jte", new LoginView(loginCsrf.formToken(preSession), shownName, error));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
