package io.mmaas.console.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal browser for driving the console with the Vert.x WebClient: it keeps cookies itself (Set-Cookie in,
 * Cookie out, Max-Age=0 forgets), sends a fixed User-Agent, and never follows redirects.
 */
public final class Browser {
  public static final String USER_AGENT = "ConsoleTestBrowser/1.0 (+tests)";
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  /** A response as the test sees it. */
  public record Page(int status, MultiMap headers, List<String> setCookies, String body) {
    public String location() {
      return headers.get("Location");
    }

    /** The Set-Cookie header for this cookie name, or null. */
    public String setCookie(String name) {
      return setCookies.stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
    }

    /** The CSRF token of the first form on the page. */
    public String csrfToken() {
      Matcher m = CSRF.matcher(body);
      if (!m.find()) {
        throw new AssertionError("no _csrf field on the page:\n" + body);
      }
      return m.group(1);
    }
  }

  private final WebClient client;
  private final int port;
  private final Map<String, String> cookies;

  public Browser(WebClient client, int port) {
    this(client, port, new LinkedHashMap<>());
  }

  private Browser(WebClient client, int port, Map<String, String> cookies) {
    this.client = client;
    this.port = port;
    this.cookies = cookies;
  }

  /**
   * This browser (the same cookies, shared from now on) talking to another port on the same host, as a browser
   * does when a balancer sends its next request to another console replica: cookies are not bound to a port.
   */
  public Browser at(int otherPort) {
    return new Browser(client, otherPort, cookies);
  }

  public Map<String, String> cookies() {
    return cookies;
  }

  public Future<Page> get(String path) {
    return send(client.get(port, "127.0.0.1", path), null);
  }

  public Future<Page> post(String path, MultiMap form) {
    return send(client.post(port, "127.0.0.1", path), form);
  }

  /** Posts a form and follows a 303 to the page it names, as a browser does. */
  public Future<Page> submit(String path, String csrf, String... pairs) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("_csrf", csrf);
    for (int i = 0; i < pairs.length; i += 2) {
      form.add(pairs[i], pairs[i + 1]);
    }
    return post(path, form).compose(p -> p.status() == 303 ? get(p.location()) : Future.succeededFuture(p));
  }

  /** Posts a raw body with these headers, as the upload script does. */
  public Future<Page> postBody(String path, Buffer body, Map<String, String> headers) {
    HttpRequest<Buffer> request = client.post(port, "127.0.0.1", path);
    headers.forEach(request::putHeader);
    return send(request, null, body);
  }

  /** Opens the sign-in page and submits it with these credentials and the page's own CSRF token. */
  public Future<Page> signIn(String username, String password) {
    return get("/login").compose(form -> post("/login", MultiMap.caseInsensitiveMultiMap()
        .add("_csrf", form.csrfToken()).add("username", username).add("password", password)));
  }

  private Future<Page> send(HttpRequest<Buffer> request, MultiMap form) {
    return send(request, form, null);
  }

  private Future<Page> send(HttpRequest<Buffer> request, MultiMap form, Buffer body) {
    request.putHeader("User-Agent", USER_AGENT).followRedirects(false);
    if (!cookies.isEmpty()) {
      StringBuilder header = new StringBuilder();
      cookies.forEach((k, v) -> header.append(header.length() == 0 ? "" : "; ").append(k).append('=').append(v));
      request.putHeader("Cookie", header.toString());
    }
    Future<HttpResponse<Buffer>> sent = body != null ? request.sendBuffer(body)
        : form == null ? request.send() : request.sendForm(form);
    return sent.map(response -> {
      List<String> setCookies = response.headers().getAll("Set-Cookie");
      setCookies.forEach(this::remember);
      return new Page(response.statusCode(), response.headers(), setCookies,
          response.body() == null ? "" : response.bodyAsString());
    });
  }

  private void remember(String setCookie) {
    String[] parts = setCookie.split(";");
    int eq = parts[0].indexOf('=');
    String name = parts[0].substring(0, eq).trim();
    String value = parts[0].substring(eq + 1).trim();
    boolean expired = false;
    for (int i = 1; i < parts.length; i++) {
      if (parts[i].trim().toLowerCase(Locale.ROOT).equals("max-age=0")) {
        expired = true;
      }
    }
    if (expired || value.isEmpty()) {
      cookies.remove(name);
    } else {
      cookies.put(name, value);
    }
  }
}
