package io.mmaas.console.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every response: the page may load only the console's own files, may not be framed, and leaks no
 * referrer elsewhere. Pages (everything but {@code /static/}) are not cached, as they show a user's data.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
  /**
   * {@code default-src 'self'} as required; {@code base-uri}, {@code form-action} and {@code frame-ancestors}
   * do not fall back to {@code default-src}, so they are spelled out.
   */
  static final String CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set("Content-Security-Policy", CSP);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "same-origin");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Cross-Origin-Opener-Policy", "same-origin");
    if (!ctx.normalizedPath().startsWith("/static/")) {
      headers.set("Cache-Control", "no-store");
    }
    ctx.next();
  }
}
