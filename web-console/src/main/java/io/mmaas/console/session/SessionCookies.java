package io.mmaas.console.session;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The console's two cookies: the sealed session, and the pre-session that binds the sign-in form's CSRF token.
 * Both are HttpOnly, SameSite=Strict, Path=/; over HTTPS they are Secure and carry the {@code __Host-} prefix,
 * so no other host or path can set them.
 */
public final class SessionCookies {
  static final String SESSION = "mmaas_session";
  static final String LOGIN = "mmaas_login";
  private static final String HOST_PREFIX = "__Host-";

  private final boolean secure;

  public SessionCookies(boolean secure) {
    this.secure = secure;
  }

  public String sessionName() {
    return secure ? HOST_PREFIX + SESSION : SESSION;
  }

  public String loginName() {
    return secure ? HOST_PREFIX + LOGIN : LOGIN;
  }

  /** The session cookie carries no Max-Age: it ends with the browser, and the sealed expiry ends it sooner. */
  Cookie session(String sealed) {
    return cookie(sessionName(), sealed);
  }

  Cookie login(String value, Duration maxAge) {
    return cookie(loginName(), value).setMaxAge(maxAge.toSeconds());
  }

  Cookie cleared(String name) {
    return cookie(name, "").setMaxAge(0);
  }

  String value(RoutingContext ctx, String name) {
    Cookie cookie = ctx.request().getCookie(name);
    return cookie == null || cookie.getValue().isEmpty() ? null : cookie.getValue();
  }

  private Cookie cookie(String name, String value) {
    return Cookie.cookie(name, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(secure);
  }
}
