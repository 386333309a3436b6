package io.mmaas.console.http;

import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passes a file the admin API streams (an export, a CSV) on to the browser chunk by chunk: the API's answer is piped
 * into the console's response with back-pressure, so no export is ever held whole in memory. The browser going away
 * resets the call to the API, which then stops reading its database cursor.
 */
public final class Downloads {
  private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);
  private static final Pattern SAFE_TYPE = Pattern.compile("[a-zA-Z0-9.+/-]+(; ?charset=[a-zA-Z0-9-]+)?");

  private Downloads() {}

  /**
   * Sends {@code upstream} as an attachment named {@code fileName} (a name of the console's own, never the API's
   * header). The content type is the API's when it is a plain one, else {@code application/octet-stream}.
   */
  public static void relay(RoutingContext ctx, HttpClientResponse upstream, String fileName) {
    String type = upstream.getHeader("Content-Type");
    HttpServerResponse out = ctx.response().setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", type != null && SAFE_TYPE.matcher(type).matches() ? type
            : "application/octet-stream")
        .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
    out.closeHandler(v -> {
      if (!out.ended()) {
        upstream.request().reset();
      }
    });
    // A failure must not end the response normally: a cut-off export would look complete. Reset it instead.
    upstream.pipe().endOnFailure(false).to(out).onFailure(e -> {
      LOG.warn("download {} broke off: {} [{}]", fileName, e.toString(), RequestIds.of(ctx));
      if (!out.ended()) {
        out.reset();
      }
    });
  }
}
