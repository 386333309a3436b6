package io.mmaas.console.app;

import io.mmaas.console.session.SessionKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * The console's configuration, read once from {@code MMAAS_CONSOLE_*} environment variables into an immutable
 * record. Its one secret is the session keys (never printed): the console signs in to the admin API with each user's
 * own credentials.
 *
 * @param host the interface to listen on
 * @param port the port to listen on, 0 for an ephemeral one
 * @param apiUrl the control plane's admin API base URL, without a trailing slash
 * @param secureCookies whether the console is served over HTTPS: cookies get {@code Secure} and the
 *     {@code __Host-} name prefix
 * @param gatewayUrl the data-plane gateway the playground sends test inferences to, without a trailing slash
 * @param sessionKeys the keys that seal session cookies ({@code MMAAS_CONSOLE_SESSION_KEYS}), or a random key of
 *     this process when the variable is not set
 */
public record ConsoleConfig(String host, int port, URI apiUrl, boolean secureCookies, URI gatewayUrl,
    SessionKeys sessionKeys) {

  public ConsoleConfig(String host, int port, URI apiUrl, boolean secureCookies) {
    this(host, port, apiUrl, secureCookies, URI.create("http://127.0.0.1:8081"));
  }

  public ConsoleConfig(String host, int port, URI apiUrl, boolean secureCookies, URI gatewayUrl) {
    this(host, port, apiUrl, secureCookies, gatewayUrl, SessionKeys.random());
  }

  public ConsoleConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("MMAAS_CONSOLE_HOST must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("MMAAS_CONSOLE_PORT must be between 0 and 65535, got " + port);
    }
    apiUrl = checkUrl(apiUrl, "MMAAS_CONSOLE_API_URL");
    gatewayUrl = checkUrl(gatewayUrl, "MMAAS_CONSOLE_GATEWAY_URL");
    if (sessionKeys == null) {
      throw new IllegalArgumentException("the session keys must be given (SessionKeys.random() for one process)");
    }
  }

  public static ConsoleConfig fromEnv() {
    return from(System.getenv());
  }

  /** Reads the configuration from a map of variables (the environment, or a test's map). */
  public static ConsoleConfig from(Map<String, String> env) {
    String host = string(env, "MMAAS_CONSOLE_HOST", "127.0.0.1");
    // Secure cookies unless the console listens on loopback only (the local start, where browsers treat
    // http://127.0.0.1 as a secure context anyway); anything reachable from elsewhere is meant to be served over
    // HTTPS (directly or behind a proxy): set MMAAS_CONSOLE_SECURE_COOKIES=false to opt out knowingly
    String secureDefault = loopback(host) ? "false" : "true";
    return new ConsoleConfig(
        host,
        port(string(env, "MMAAS_CONSOLE_PORT", "8090")),
        uri(string(env, "MMAAS_CONSOLE_API_URL", "http://127.0.0.1:8080"), "MMAAS_CONSOLE_API_URL"),
        bool(string(env, "MMAAS_CONSOLE_SECURE_COOKIES", secureDefault)),
        uri(string(env, "MMAAS_CONSOLE_GATEWAY_URL", "http://127.0.0.1:8081"), "MMAAS_CONSOLE_GATEWAY_URL"),
        sessionKeys(env.get("MMAAS_CONSOLE_SESSION_KEYS")));
  }

  /** The API base URL as a string, for building request URLs. */
  public String apiBase() {
    return apiUrl.toString();
  }

  /** The gateway base URL as a string. */
  public String gatewayBase() {
    return gatewayUrl.toString();
  }

  @Override
  public String toString() {
    return "ConsoleConfig{host=" + host + ", port=" + port + ", apiUrl=" + apiUrl + ", secureCookies=" + secureCookies
        + ", gatewayUrl=" + gatewayUrl + ", sessionKeys=" + sessionKeys + "}";
  }

  /** Whether the listen address is loopback only (a name is resolved by the JVM's resolver, as the listener would). */
  static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      java.net.InetAddress[] all = java.net.InetAddress.getAllByName(host);
      for (java.net.InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static SessionKeys sessionKeys(String spec) {
    return spec == null || spec.isBlank() ? SessionKeys.random() : SessionKeys.parse(spec.trim());
  }

  private static String string(Map<String, String> env, String name, String def) {
    String v = env.get(name);
    return v == null || v.isBlank() ? def : v.trim();
  }

  private static int port(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("MMAAS_CONSOLE_PORT must be a number, got '" + v + "'");
    }
  }

  private static boolean bool(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("MMAAS_CONSOLE_SECURE_COOKIES must be true or false, got '" + v + "'");
    };
  }

  private static URI uri(String v, String name) {
    try {
      return new URI(v);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(name + " is not a URL: '" + v + "'");
    }
  }

  private static URI checkUrl(URI uri, String name) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      throw new IllegalArgumentException(name + " must be an absolute http(s) URL, got '" + uri + "'");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(name + " must not carry credentials, a query or a fragment");
    }
    String s = uri.toString();
    return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
  }
}
