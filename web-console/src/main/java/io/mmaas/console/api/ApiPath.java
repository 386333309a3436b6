package io.mmaas.console.api;

import java.nio.charset.StandardCharsets;

/**
 * A path of the admin API under {@code /api/v1}, built from segments that are each percent-encoded, so a name
 * taken from a URL or a form can never add a segment, a query or a fragment to the call.
 */
public record ApiPath(String value) {

  /** {@code /api/v1/} followed by the encoded segments. */
  public static ApiPath of(String... segments) {
    StringBuilder path = new StringBuilder("/api/v1");
    for (String segment : segments) {
      path.append('/').append(encode(segment));
    }
    return new ApiPath(path.toString());
  }

  /** The tenant-scoped path {@code /api/v1/tenants/{tenant}/…}. */
  public static ApiPath tenant(String tenant, String... segments) {
    String[] all = new String[segments.length + 2];
    all[0] = "tenants";
    all[1] = tenant;
    System.arraycopy(segments, 0, all, 2, segments.length);
    return of(all);
  }

  /** RFC 3986 unreserved characters stay; every other byte of the UTF-8 form is escaped. */
  static String encode(String segment) {
    if (segment == null || segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
      throw new IllegalArgumentException("not a usable path segment: '" + segment + "'");
    }
    StringBuilder out = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
