package io.mmaas.agent.oip;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps every failure of the serving API to a status and {@code {"error": "..."}}, in one place. */
final class OipFailureHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(OipFailureHandler.class);

  private final long maxBodyBytes;

  OipFailureHandler(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = statusOf(failure, ctx.statusCode());
    String message = messageOf(failure, status);
    String request = ctx.request().method() + " " + ctx.request().path();
    if (status >= 500 && status != 503) {
      log.error("{} failed: {}", request, message, failure);
      message = "internal error";
    } else if (status == 503) {
      log.warn("{} -> 503: {}", request, message);
    } else {
      log.debug("{} -> {}: {}", request, status, message);
    }
    if (!ctx.response().ended()) {
      OipHandler.json(ctx, status, new JsonObject().put("error", message));
    }
  }

  private static int statusOf(Throwable failure, int status) {
    if (failure instanceof InvalidInputException) {
      return 400;
    }
    if (failure instanceof UnauthorizedException) {
      return 401;
    }
    if (failure instanceof ModelNotFoundException) {
      return 404;
    }
    if (failure instanceof UnavailableException) {
      return 503;
    }
    return status > 0 ? status : 500;
  }

  private String messageOf(Throwable failure, int status) {
    if (status == 413) {
      return "request body is larger than " + maxBodyBytes + " bytes";
    }
    if (failure != null && failure.getMessage() != null) {
      return failure.getMessage();
    }
    return HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(java.util.Locale.ROOT);
  }
}
