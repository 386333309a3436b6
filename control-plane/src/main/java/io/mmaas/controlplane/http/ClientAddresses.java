package io.mmaas.controlplane.http;

import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * Decides once per request where it comes from (see {@link TrustedProxies}) and keeps it on the context for
 * {@link Callers}: the per-source sign-in throttle, denial summaries and audit events all use that address.
 */
public final class ClientAddresses implements Handler<RoutingContext> {
  static final String KEY = "clientAddress";

  private final TrustedProxies proxies;

  public ClientAddresses(TrustedProxies proxies) {
    this.proxies = proxies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(KEY, proxies.clientAddress(peer(ctx), ctx.request().headers().getAll("X-Forwarded-For")));
    ctx.next();
  }

  /** The address decided for this request; the socket peer when no {@code ClientAddresses} ran before. */
  static String of(RoutingContext ctx) {
    String decided = ctx.get(KEY);
    return decided != null ? decided : peer(ctx);
  }

  private static String peer(RoutingContext ctx) {
    SocketAddress remote = ctx.request().remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }
}
