package io.mmaas.agent.oip;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The serving port's request handler: {@code POST /v2/models/{replica}[/versions/{version}]/infer}, the one route
 * on the hot path, is served straight from the HTTP request; everything else (and any infer path that is not plain:
 * percent-escapes, dot or empty segments) goes to the Vert.x Web router, which has the same infer routes. Skipping
 * the router saves the routing context, path-pattern matching and the body handler on every inference: measured with
 * the agent benchmark's CPU per request (three paired runs against a router-only build, tiny MLP), 1.5 µs of 32 (5 %)
 * without batching and 2.9 to 4 µs (12 to 15 %) with dynamic batching, lower in 11 of 12 paired rows.
 *
 * <p>The rules are those of the router's chain, in the same order: the serving key before any body is read; a
 * declared {@code Content-Length} over the limit gets 413 before a byte of the body is buffered, and a streamed
 * body that grows over it gets 413 as soon as it does (the rest is read and dropped, so the connection stays
 * usable); {@code Expect: 100-continue} is answered, so clients that ask (curl, for bodies over 1 MB) do not wait,
 * and when the declared body is over the limit the 413 goes out instead and the connection is closed after it (the
 * client never sends that body, so the connection has nothing left to read).
 * Failures are answered by the same {@link OipFailureHandler} as the router's.
 */
final class InferRoute implements Handler<HttpServerRequest> {
  private static final String MODELS = "/v2/models/";
  private static final String VERSIONS = "/versions/";
  private static final String INFER = "/infer";
  /** The gateway's id of the request: recorded while it runs, so a crash can name it. */
  static final String REQUEST_ID = "X-Request-Id";

  private final InferenceService service;
  private final ServingKey servingKey;
  private final long maxBodyBytes;
  private final OipFailureHandler failures;
  private final Handler<HttpServerRequest> router;

  InferRoute(InferenceService service, ServingKey servingKey, long maxBodyBytes, OipFailureHandler failures,
      Handler<HttpServerRequest> router) {
    this.service = service;
    this.servingKey = servingKey;
    this.maxBodyBytes = maxBodyBytes;
    this.failures = failures;
    this.router = router;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String[] ids = request.method() == HttpMethod.POST ? parse(request.path()) : null;
    if (ids == null) {
      router.handle(request);
      return;
    }
    if (!servingKey.matches(request.getHeader(HttpHeaders.AUTHORIZATION))) {
      failures.answer(request, OipHandler.refuseKey(request.response()), 401);
      return;
    }
    long headerLength;
    try {
      headerLength = OipHandler.headerLength(request.getHeader(OipHandler.HEADER_LENGTH));
    } catch (InvalidInputException e) {
      failures.answer(request, e, 400);
      return;
    }
    InferenceService.Target target = new InferenceService.Target(ids[0], ids[1],
        request.getHeader(ModelNames.NAME_HEADER), request.getHeader(ModelNames.VERSION_HEADER),
        request.getHeader(REQUEST_ID));
    long declared = declaredLength(request);
    boolean expectsContinue = request.headers().contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true);
    if (declared > maxBodyBytes) {
      Future<Void> answered = failures.answer(request, null, 413);
      if (expectsContinue && !request.isEnded()) {
        // the client holds the body back until told to send it, and will not be: the connection cannot carry on
        answered.onComplete(done -> request.connection().close());
      }
      return;
    }
    if (request.isEnded()) {
      infer(request, target, Buffer.buffer(), headerLength);
      return;
    }
    if (expectsContinue) {
      request.response().writeContinue();
    }
    new Body(request, target, headerLength, declared).read();
  }

  private void infer(HttpServerRequest request, InferenceService.Target target, Buffer body, long headerLength) {
    service.infer(target, body, headerLength, InferenceService.Caller.of(request.response())).onComplete(done -> {
      if (done.succeeded()) {
        OipHandler.writeEncoded(request.response(), done.result());
      } else {
        failures.answer(request, done.cause(), 0);
      }
    });
  }

  /** Collects one request body up to the limit; a single-chunk body (the usual small request) is kept as it came. */
  private final class Body {
    private final HttpServerRequest request;
    private final InferenceService.Target target;
    private final long headerLength;
    private final long declared;
    private Buffer body;
    private boolean owned;
    private long size;
    private boolean refused;

    Body(HttpServerRequest request, InferenceService.Target target, long headerLength, long declared) {
      this.request = request;
      this.target = target;
      this.headerLength = headerLength;
      this.declared = declared;
    }

    void read() {
      request.handler(this::chunk).endHandler(v -> end());
    }

    private void chunk(Buffer chunk) {
      if (refused) {
        return;
      }
      size += chunk.length();
      if (size > maxBodyBytes) {
        refused = true;
        body = null;
        failures.answer(request, null, 413);
        return;
      }
      if (body == null) {
        body = chunk;
      } else {
        if (!owned) {
          Buffer whole = Buffer.buffer((int) Math.min(maxBodyBytes, Math.max(declared, 2L * size)));
          whole.appendBuffer(body);
          body = whole;
          owned = true;
        }
        body.appendBuffer(chunk);
      }
    }

    private void end() {
      if (!refused) {
        infer(request, target, body == null ? Buffer.buffer() : body, headerLength);
      }
    }
  }

  /** The declared body length; -1 when there is none or it is not a number (the body is then counted as it comes). */
  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {replica, version or null} for a plain infer path, null for anything else (which the router then serves or
   * refuses).
   */
  static String[] parse(String path) {
    if (path == null || path.length() <= MODELS.length() + INFER.length() || !path.startsWith(MODELS)
        || !path.endsWith(INFER) || path.indexOf('%') >= 0 || path.contains("/.") || path.contains("//")) {
      return null;
    }
    String middle = path.substring(MODELS.length(), path.length() - INFER.length());
    int slash = middle.indexOf('/');
    if (slash < 0) {
      return middle.isEmpty() ? null : new String[] {middle, null};
    }
    String replica = middle.substring(0, slash);
    String rest = middle.substring(slash);
    if (replica.isEmpty() || !rest.startsWith(VERSIONS)) {
      return null;
    }
    String version = rest.substring(VERSIONS.length());
    return version.isEmpty() || version.indexOf('/') >= 0 ? null : new String[] {replica, version};
  }
}
