package io.mmaas.console.session;

import io.mmaas.console.api.SignIn;
import io.mmaas.console.http.Redirects;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the session sealed in a request's cookie and puts it on the routing context; begins and ends sessions. When
 * the session changed during the request (new, touched, a notice left or taken) its cookie is sealed anew as the
 * response's headers are written; a cookie that does not open (tampered, expired, an unknown key) is cleared and
 * the request goes on as nobody's, which sends pages to sign-in.
 */
public final class Sessions implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  private static final String KEY = "consoleSession";

  private final SessionCodec codec;
  private final SessionCookies cookies;

  public Sessions(SessionCodec codec, SessionCookies cookies) {
    this.codec = codec;
    this.cookies = cookies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String value = cookies.value(ctx, cookies.sessionName());
    if (value != null) {
      ConsoleSession session = codec.open(value);
      if (session != null) {
        ctx.put(KEY, session);
      } else {
        LOG.debug("a session cookie that does not open (expired, tampered or under an unknown key) was cleared");
        ctx.response().addCookie(cookies.cleared(cookies.sessionName()));
      }
    }
    ctx.addHeadersEndHandler(v -> {
      ConsoleSession session = current(ctx);
      if (session != null && session.changed()) {
        ctx.response().addCookie(cookies.session(codec.seal(session)));
      }
    });
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

  /**
   * Starts a session for this sign-in in place of any the request had (whose token the caller has ended); the new
   * cookie is sealed when the response's headers are written, so the session is checked to fit now.
   */
  ConsoleSession begin(RoutingContext ctx, SignIn signIn) {
    ConsoleSession session = codec.create(signIn);
    codec.seal(session);
    ctx.put(KEY, session);
    return session;
  }

  /** Ends the request's session, if any, and tells the browser to forget its cookie. */
  public void end(RoutingContext ctx) {
    ctx.remove(KEY);
    ctx.response().addCookie(cookies.cleared(cookies.sessionName()));
  }
}
