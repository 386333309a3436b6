package io.mmaas.console.session;

import io.mmaas.console.api.SignIn;
import io.mmaas.console.http.Redirects;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Finds the session a request's cookie names and puts it on the routing context; begins and ends sessions,
 * setting and clearing the cookie to match.
 */
public final class Sessions implements Handler<RoutingContext> {
  private static final String KEY = "consoleSession";

  private final SessionStore store;
  private final SessionCookies cookies;

  public Sessions(SessionStore store, SessionCookies cookies) {
    this.store = store;
    this.cookies = cookies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String id = cookies.value(ctx, cookies.sessionName());
    if (id != null) {
      ConsoleSession session = store.find(id);
      if (session != null) {
        ctx.put(KEY, session);
      } else {
        ctx.response().addCookie(cookies.cleared(cookies.sessionName()));
      }
    }
    ctx.next();
  }

  /** The request's session, or null when nobody is signed in. */
  public static ConsoleSession current(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** Lets signed-in requests through; sends everyone else to the sign-in page, having done nothing. */
  public Handler<RoutingContext> requireSignIn() {
    return ctx -> {
      if (current(ctx) == null) {
        Redirects.seeOther(ctx, "/login");
      } else {
        ctx.next();
      }
    };
  }

  /** Ends any session the request had and starts a new one, under a new id, for this sign-in. */
  ConsoleSession begin(RoutingContext ctx, SignIn signIn) {
    ConsoleSession previous = current(ctx);
    if (previous != null) {
      store.remove(previous);
    }
    ConsoleSession session = store.create(signIn);
    ctx.put(KEY, session);
    ctx.response().addCookie(cookies.session(session.id()));
    return session;
  }

  /** Ends the request's session, if any, and tells the browser to forget its cookie. */
  public void end(RoutingContext ctx) {
    ConsoleSession session = current(ctx);
    if (session != null) {
      store.remove(session);
      ctx.remove(KEY);
    }
    ctx.response().addCookie(cookies.cleared(cookies.sessionName()));
  }
}
