package io.mmaas.controlplane.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Gives every request an id (the caller's {@code X-Request-Id} when it is sane), echoed in the response. */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader("X-Request-Id");
    String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader("X-Request-Id", id);
    ctx.next();
  }

  /**
   * A random id for correlation, not a secret: ThreadLocalRandom rather than {@code UUID.randomUUID()}, whose
   * SecureRandom is shared and slower, since every data-plane request takes one.
   */
  static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID(r.nextLong(), r.nextLong()).toString();
  }

  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }
}
