package io.mmaas.console.http;

import io.mmaas.console.api.CallContext;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Builds the {@link CallContext} for an admin API call from the browser's request. The client address is the
 * connection's peer: an {@code X-Forwarded-For} the browser sent is not trusted, as anyone can write one.
 */
public final class Calls {
  private Calls() {}

  public static CallContext of(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    String ip = remote == null ? null : remote.hostAddress() != null ? remote.hostAddress() : remote.host();
    return new CallContext(ip, ctx.request().getHeader("User-Agent"), RequestIds.of(ctx));
  }
}
