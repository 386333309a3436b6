package io.mmaas.console.pages;

import io.mmaas.console.api.ApiException;
import io.mmaas.console.http.Redirects;
import io.mmaas.console.session.ConsoleSession;
import io.mmaas.console.session.Notice;
import io.mmaas.console.session.Sessions;
import io.vertx.ext.web.RoutingContext;

/**
 * The end of a form post: success leaves a notice and redirects (303) to a page; a refusal the user can fix (the
 * API's 400, 404, 409, 413, 422) leaves the API's message as an error notice and redirects back; anything else is a
 * failure page.
 */
public final class FormOutcome {
  private FormOutcome() {}

  public static void done(RoutingContext ctx, String message, String path) {
    ConsoleSession session = Sessions.current(ctx);
    if (session != null) {
      session.notice(Notice.ok(message));
    }
    Redirects.seeOther(ctx, path);
  }

  public static void refused(RoutingContext ctx, Throwable err, String backPath) {
    if (err instanceof ApiException e && fixable(e.status())) {
      ConsoleSession session = Sessions.current(ctx);
      if (session != null) {
        session.notice(Notice.error(e.getMessage() == null ? "The control plane refused the request." : e.getMessage()));
      }
      Redirects.seeOther(ctx, backPath);
    } else {
      ctx.fail(err);
    }
  }

  /** A refusal of the form's content itself, before any call. */
  public static void invalid(RoutingContext ctx, String message, String backPath) {
    ConsoleSession session = Sessions.current(ctx);
    if (session != null) {
      session.notice(Notice.error(message));
    }
    Redirects.seeOther(ctx, backPath);
  }

  static boolean fixable(int status) {
    return status == 400 || status == 404 || status == 409 || status == 413 || status == 422;
  }
}
