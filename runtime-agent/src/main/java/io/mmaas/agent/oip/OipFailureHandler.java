package io.mmaas.agent.oip;

import io.mmaas.agent.batching.CallerGoneException;
import io.mmaas.agent.runtime.InferenceTimeoutException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
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
    answer(ctx.request(), ctx.failure(), ctx.statusCode());
  }

  /**
   * Answers a failed request, unless an answer was already sent.
   *
   * @param status the status asked for, or 0 (or less) to derive it from {@code failure}
   * @return completes once the answer is written
   */
  Future<Void> answer(HttpServerRequest request, Throwable failure, int status) {
    status = statusOf(failure, status);
    String message = messageOf(failure, status);
    if (status == 504) {
      log.warn("{} {} -> 504: {}", request.method(), request.path(), message);
    } else if (status >= 500 && status != 503) {
      log.error("{} {} failed: {}", request.method(), request.path(), message, failure);
      message = "internal error";
    } else if (status == 503) {
      log.warn("{} {} -> 503: {}", request.method(), request.path(), message);
    } else if (log.isDebugEnabled()) {
      log.debug("{} {} -> {}: {}", request.method(), request.path(), status, message);
    }
    if (request.response().ended() || request.response().closed()) {
      return Future.succeededFuture();
    }
    return OipHandler.json(request.response(), status, new JsonObject().put("error", message));
  }

  /**
   * The status a failure is answered (and counted) with, for the router, the infer route and the agent's metrics
   * alike; {@code status} when the failure does not decide it, 500 when that is 0 or less.
   */
  static int statusOf(Throwable failure, int status) {
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
    if (failure instanceof InferenceTimeoutException) {
      return 504;
    }
    if (failure instanceof CallerGoneException) {
      return 499; // as nginx counts a request whose client closed the connection first; logged at debug level
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
