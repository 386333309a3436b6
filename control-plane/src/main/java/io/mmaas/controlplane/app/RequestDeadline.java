package io.mmaas.controlplane.app;

import io.mmaas.controlplane.errors.UnavailableException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Ends an admin request that has not answered within its deadline with a 503 through the failure handler (a
 * database that is down or a frozen link must not hold a caller without bound). Uploads (bodies that are not JSON)
 * and responses already streaming are exempt: their time grows with their size.
 */
final class RequestDeadline implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final long timeoutMs;

  RequestDeadline(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    boolean upload = (ctx.request().method() == HttpMethod.POST || ctx.request().method() == HttpMethod.PUT)
        && type != null && !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
    if (!upload) {
      long timer = vertx.setTimer(timeoutMs, id -> {
        if (!ctx.response().ended() && !ctx.response().headWritten() && !ctx.failed()) {
          ctx.fail(new UnavailableException("the request did not finish within " + timeoutMs
              + " ms (is the database reachable?); try again shortly"));
        }
      });
      ctx.addEndHandler(v -> vertx.cancelTimer(timer));
    }
    ctx.next();
  }
}
