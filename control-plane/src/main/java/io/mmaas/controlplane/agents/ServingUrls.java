package io.mmaas.controlplane.agents;

import io.mmaas.controlplane.errors.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one check of an agent's serving URL (enrolment and every heartbeat), so that only URLs the gateway can route
 * to are ever stored: {@code http} or {@code https}, a host name or IP literal, an optional port 1-65535, an optional
 * plain path, nothing else (no user info, query or fragment).
 */
public final class ServingUrls {
  private static final Pattern HOST_NAME = Pattern.compile(
      "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)*/?");

  private ServingUrls() {
  }

  /** The URL, normalised (no trailing slash), or 400 saying what is wrong with it. */
  public static String validate(String field, String url) {
    if (url == null || url.length() > 300) {
      throw invalid(field, "must be an http(s) URL of at most 300 characters");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid(field, "is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid(field, "must start with http:// or https://");
    }
    String host = uri.getHost();
    if (uri.isOpaque() || host == null || uri.getRawAuthority() == null) {
      throw invalid(field, "must name a host");
    }
    boolean literal6 = host.startsWith("[");
    if (literal6 ? !IPV6.matcher(host).matches() || !isIpv6(host) : !HOST_NAME.matcher(host).matches()) {
      throw invalid(field, "has an invalid host '" + host + "'");
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw invalid(field, "must not have user info, a query or a fragment");
    }
    String authority = uri.getRawAuthority();
    String expected = host + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    if (uri.getPort() == 0 || uri.getPort() > 65535 || !authority.equalsIgnoreCase(expected)) {
      throw invalid(field, "has an invalid port");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!PATH.matcher(path).matches()) {
      throw invalid(field, "has an invalid path");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static boolean isIpv6(String bracketed) {
    try {
      return java.net.InetAddress.getByName(bracketed.substring(1, bracketed.length() - 1))
          instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false; // the pattern admits only hex digits, ':' and '.': a literal, never a lookup
    }
  }

  private static InvalidInputException invalid(String field, String what) {
    return new InvalidInputException("field '" + field + "' " + what);
  }
}
