package io.mmaas.console.pages;

import io.mmaas.console.api.ApiException;
import io.mmaas.console.api.ApiUnavailableException;
import io.mmaas.console.http.Redirects;
import io.mmaas.console.http.RequestIds;
import io.mmaas.console.session.CsrfRejectedException;
import io.mmaas.console.session.Sessions;
import io.netty.handler.codec.DecoderException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's one failure handler: turns every failure into a friendly page with the request id, never a
 * stack trace. When the admin API refuses a signed-in user's token (expired, revoked) the session ends and the
 * user is sent to sign in again. 4xx log at debug; trouble with the API (502/503/504) at warn; the console's
 * own 500s at error with the stack.
 */
public final class ErrorPages implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);
  private static final String FORM_DECODER = "io.netty.handler.codec.http.multipart.HttpPost";

  private final PageRenderer pages;
  private final Sessions sessions;

  public ErrorPages(PageRenderer pages, Sessions sessions) {
    this.pages = pages;
    this.sessions = sessions;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    String requestId = RequestIds.of(ctx);
    String line = ctx.request().method() + " " + ctx.request().path();
    if (ctx.response().ended()) {
      LOG.debug("{} failed after the response was sent [{}]", line, requestId, failure);
      return;
    }
    if (failure instanceof ApiException e && e.status() == 401 && Sessions.current(ctx) != null) {
      LOG.info("{}: the admin API refused the session's token, session ended [{}]", line, requestId);
      sessions.end(ctx);
      Redirects.seeOther(ctx, "/login");
      return;
    }
    ErrorView view = describe(failure, ctx.statusCode(), requestId);
    log(line, view, failure);
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    String html;
    try {
      html = pages.toHtml("error.jte", view);
    } catch (RuntimeException e) {
      LOG.error("the error page could not be rendered [{}]", requestId, e);
      ctx.response().setStatusCode(view.status()).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(view.title() + "\nRequest id: " + requestId + "\n");
      return;
    }
    ctx.response().setStatusCode(view.status()).putHeader("Content-Type", "text/html; charset=utf-8").end(html);
  }

  static ErrorView describe(Throwable failure, int statusCode, String requestId) {
    if (failure instanceof CsrfRejectedException) {
      return new ErrorView(403, "This form could not be verified",
          "The form had expired or did not come from this console, so nothing was done. "
              + "Go back, reload the page and try again.", requestId, null);
    }
    if (failure instanceof ApiUnavailableException e) {
      return switch (e.kind()) {
        case UNREACHABLE -> new ErrorView(503, "The control plane is unavailable",
            "The console could not reach the control plane's admin API. Try again in a moment.", requestId, null);
        case TIMED_OUT -> new ErrorView(504, "The control plane did not answer in time",
            "The control plane's admin API took too long to answer. Try again in a moment.", requestId, null);
        case BAD_RESPONSE -> new ErrorView(502, "The control plane sent an unexpected answer",
            "The console could not read the control plane's answer.", requestId, null);
      };
    }
    if (failure instanceof ApiException e) {
      String apiId = e.requestId() == null || e.requestId().equals(requestId) ? null : e.requestId();
      int status = e.status();
      if (status >= 500) {
        return new ErrorView(502, "The control plane reported an error",
            "The control plane could not complete the request. Try again in a moment.", requestId, apiId);
      }
      return switch (status) {
        case 401 -> new ErrorView(401, "Not signed in", "Sign in to continue.", requestId, apiId);
        case 403 -> new ErrorView(403, "Not allowed", "Your account may not see or do this.", requestId, apiId);
        case 404 -> new ErrorView(404, "Not found", "The control plane has no such object.", requestId, apiId);
        case 429 -> new ErrorView(429, "Too many requests", "Wait a moment and try again.", requestId, apiId);
        default -> new ErrorView(400, "The request was refused",
            "The control plane refused the request: " + e.getMessage(), requestId, apiId);
      };
    }
    int status = failure instanceof HttpException h ? h.getStatusCode()
        : undecodable(failure) ? 400
        : failure == null && statusCode >= 400 ? statusCode : 500;
    return switch (status) {
      case 400 -> new ErrorView(400, "Bad request", "The console could not understand the request.", requestId, null);
      case 404 -> new ErrorView(404, "Page not found", "There is no page at this address.", requestId, null);
      case 405 -> new ErrorView(405, "Not allowed here", "This address does not take that kind of request.",
          requestId, null);
      case 413 -> new ErrorView(413, "Too large", "The form sent was larger than the console accepts.", requestId, null);
      default -> status >= 400 && status < 500
          ? new ErrorView(status, "Request refused", "The console could not handle the request.", requestId, null)
          : new ErrorView(500, "Something went wrong",
              "The console could not show this page. If it happens again, quote the request id below.", requestId, null);
    };
  }

  /**
   * A request Netty could not decode, such as a form body with a broken percent-encoding or a field without a name:
   * the body handler fails the request with the decoder's exception (a DecoderException, or for a nameless field an
   * IllegalArgumentException thrown inside the form decoder), which is the sender's fault.
   */
  private static boolean undecodable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DecoderException || (t instanceof IllegalArgumentException && thrownByFormDecoder(t))) {
        return true;
      }
    }
    return false;
  }

  private static boolean thrownByFormDecoder(Throwable t) {
    StackTraceElement[] frames = t.getStackTrace();
    for (int i = 0; i < Math.min(frames.length, 12); i++) {
      if (frames[i].getClassName().startsWith(FORM_DECODER)) {
        return true;
      }
    }
    return false;
  }

  private static void log(String line, ErrorView view, Throwable failure) {
    int status = view.status();
    String summary = line + " -> " + status + " " + view.title() + " [" + view.requestId() + "]";
    if (status == 500) {
      LOG.error(summary, failure);
    } else if (status >= 500) {
      LOG.warn("{}: {}", summary, failure == null ? "-" : failure.getMessage());
    } else {
      LOG.debug("{}: {}", summary, failure == null ? "-" : failure.getMessage());
    }
  }
}
