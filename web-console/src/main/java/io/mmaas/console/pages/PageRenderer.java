package io.mmaas.console.pages;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.vertx.ext.web.RoutingContext;

/** Renders a jte template (compiled into the jar) with its one view record as an HTML response. */
public final class PageRenderer {
  private final TemplateEngine engine;

  public PageRenderer(TemplateEngine engine) {
    this.engine = engine;
  }

  /** The templates precompiled by the jte Maven plugin. */
  public static PageRenderer precompiled() {
    return new PageRenderer(TemplateEngine.createPrecompiled(ContentType.Html));
  }

  public void render(RoutingContext ctx, int status, String template, Object view) {
    String html;
    try {
      html = toHtml(template, view);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .end(html);
  }

  String toHtml(String template, Object view) {
    StringOutput out = new StringOutput();
    engine.render(template, view, out);
    return out.toString();
  }
}
