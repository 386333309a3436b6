package io.mmaas.console.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/** Reading query and form values with limits, so an oversized or malformed value is a 400, not a surprise. */
public final class Params {
  private static final int MAX_CURSOR = 512;

  private Params() {}

  /** An opaque paging cursor from the query, null when absent. */
  public static String cursor(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return null;
    }
    if (v.isEmpty() || v.length() > MAX_CURSOR) {
      throw new HttpException(400, "bad cursor");
    }
    return v;
  }

  /** A query value, trimmed; null when absent or blank; a 400 when longer than {@code max}. */
  public static String query(RoutingContext ctx, String name, int max) {
    return limit(ctx.request().getParam(name), max);
  }

  /** A form field, trimmed; null when absent or blank; a 400 when longer than {@code max}. */
  public static String form(RoutingContext ctx, String name, int max) {
    return limit(ctx.request().getFormAttribute(name), max);
  }

  private static String limit(String v, int max) {
    if (v == null || v.isBlank()) {
      return null;
    }
    String t = v.trim();
    if (t.length() > max) {
      throw new HttpException(400, "value too long");
    }
    return t;
  }
}
