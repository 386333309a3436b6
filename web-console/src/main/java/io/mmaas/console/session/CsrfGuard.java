package io.mmaas.console.session;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks the hidden {@value #FIELD} field of every POST form before its handler runs; a missing or wrong token
 * fails the request with {@link CsrfRejectedException} (a 403 page) and nothing is done. Needs the body parsed.
 */
public final class CsrfGuard {
  public static final String FIELD = "_csrf";
  public static final String HEADER = "X-CSRF-Token";

  private final SessionCookies cookies;
  private final LoginCsrf loginCsrf;

  public CsrfGuard(SessionCookies cookies, LoginCsrf loginCsrf) {
    this.cookies = cookies;
    this.loginCsrf = loginCsrf;
  }

  /** For forms of signed-in users (put it after {@link Sessions#requireSignIn()}): the session's token. */
  public Handler<RoutingContext> sessionForm() {
    return ctx -> {
      ConsoleSession session = Sessions.current(ctx);
      String given = ctx.request().getFormAttribute(FIELD);
      if (session != null && RandomTokens.equal(session.csrfToken(), given)) {
        ctx.next();
      } else {
        ctx.fail(new CsrfRejectedException(given == null ? "no CSRF token in the form" : "wrong CSRF token"));
      }
    };
  }

  /**
   * For requests a script sends with a body that is not a form (the model upload): the session's token in the
   * {@value #HEADER} header. A page on another site cannot set that header on a cross-site request without CORS,
   * which the console never grants.
   */
  public Handler<RoutingContext> sessionHeader() {
    return ctx -> {
      ConsoleSession session = Sessions.current(ctx);
      String given = ctx.request().getHeader(HEADER);
      if (session != null && RandomTokens.equal(session.csrfToken(), given)) {
        ctx.next();
      } else {
        ctx.fail(new CsrfRejectedException(given == null ? "no CSRF header" : "wrong CSRF header"));
      }
    };
  }

  /** For the sign-in form: the token bound to the pre-session cookie. */
  public Handler<RoutingContext> loginForm() {
    return ctx -> {
      String preSession = cookies.value(ctx, cookies.loginName());
      String given = ctx.request().getFormAttribute(FIELD);
      if (loginCsrf.verify(preSession, given)) {
        ctx.next();
      } else {
        ctx.fail(new CsrfRejectedException(preSession == null ? "no sign-in pre-session cookie"
            : given == null ? "no CSRF token in the sign-in form" : "wrong or expired sign-in CSRF token"));
      }
    };
  }
}
