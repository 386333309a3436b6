package io.mmaas.console.http;

import io.vertx.ext.web.RoutingContext;

/** Redirects within the console. 303 so that a redirect after a POST is followed with a GET. */
public final class Redirects {
  private Redirects() {}

  /** {@code path} must be a path of the console itself, never a value taken from the request. */
  public static void seeOther(RoutingContext ctx, String path) {
    ctx.response().setStatusCode(303).putHeader("Location", path).end();
  }
}
