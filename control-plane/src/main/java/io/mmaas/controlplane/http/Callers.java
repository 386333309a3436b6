package io.mmaas.controlplane.http;

import io.mmaas.controlplane.auth.Actor;
import io.mmaas.controlplane.auth.Caller;
import io.vertx.ext.web.RoutingContext;

/** Builds the {@link Caller} that services receive from an HTTP request. */
public final class Callers {
  public static final String KEY = "caller";

  private Callers() {
  }

  /** The authenticated caller that the auth handler stored on the context. */
  public static Caller of(RoutingContext ctx) {
    Caller caller = ctx.get(KEY);
    if (caller == null) {
      throw new IllegalStateException("route is not behind the authentication handler");
    }
    return caller;
  }

  /**
   * A caller for this request acting as {@code actor}, from the address {@link ClientAddresses} decided (never a
   * client-supplied header on its own).
   */
  public static Caller from(RoutingContext ctx, Actor actor) {
    String source = ClientAddresses.of(ctx);
    String userAgent = ctx.request().getHeader("User-Agent");
    if (userAgent != null && userAgent.length() > 512) {
      userAgent = userAgent.substring(0, 512);
    }
    return new Caller(actor, RequestIds.of(ctx), source, userAgent);
  }
}
