package io.mmaas.controlplane.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which address a request comes from. {@code X-Forwarded-For} is written by whoever sent the request, so it is
 * believed only as far as it was appended by proxies the operator named ({@code MMAAS_TRUSTED_PROXIES}, CIDRs): the
 * socket peer when it is not such a proxy, else the right-most hop of the header that is not one. With no proxies
 * configured (the default) the header is ignored.
 */
public final class TrustedProxies {
  /** At most this many hops of the header are looked at (a longer chain is cut from the left). */
  static final int MAX_HOPS = 32;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  private record Cidr(byte[] network, int bits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Cidr> proxies;

  private TrustedProxies(List<Cidr> proxies) {
    this.proxies = List.copyOf(proxies);
  }

  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  /** Parses a comma-separated list of addresses and CIDRs ({@code 10.0.0.0/8, ::1}); blank means none. */
  public static TrustedProxies parse(String list) {
    if (list == null || list.isBlank()) {
      return NONE;
    }
    List<Cidr> out = new ArrayList<>();
    for (String entry : list.split(",")) {
      String e = entry.trim();
      if (e.isEmpty()) {
        continue;
      }
      int slash = e.indexOf('/');
      InetAddress address = literal(slash < 0 ? e : e.substring(0, slash));
      if (address == null) {
        throw new IllegalArgumentException("MMAAS_TRUSTED_PROXIES: '" + e + "' is not an IP address or CIDR");
      }
      int max = address.getAddress().length * 8;
      int bits;
      try {
        bits = slash < 0 ? max : Integer.parseInt(e.substring(slash + 1));
      } catch (NumberFormatException x) {
        bits = -1;
      }
      if (bits < 0 || bits > max) {
        throw new IllegalArgumentException("MMAAS_TRUSTED_PROXIES: '" + e + "' has a bad prefix length");
      }
      out.add(new Cidr(address.getAddress(), bits));
    }
    return new TrustedProxies(out);
  }

  public int size() {
    return proxies.size();
  }

  /** Whether {@code address} (an IP literal) is one of the configured proxies. */
  public boolean trusted(String address) {
    InetAddress a = literal(address);
    return a != null && trusted(a);
  }

  private boolean trusted(InetAddress a) {
    byte[] bytes = a.getAddress();
    for (Cidr c : proxies) {
      if (c.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client's address: {@code peer} (the socket's remote address) unless it is a trusted proxy; then, walking
   * the {@code X-Forwarded-For} hops (all headers, in order) from the right, the first that is not a trusted proxy.
   * A hop that is not an IP address ends the walk at the proxy that reported it, and when every hop is a trusted
   * proxy the left-most one is taken.
   */
  public String clientAddress(String peer, List<String> forwardedFor) {
    if (peer == null) {
      return null;
    }
    InetAddress current = literal(peer);
    if (current == null) {
      return peer;
    }
    if (proxies.isEmpty() || !trusted(current) || forwardedFor == null || forwardedFor.isEmpty()) {
      return current.getHostAddress();
    }
    List<String> hops = new ArrayList<>();
    for (String header : forwardedFor) {
      for (String hop : header.split(",")) {
        hops.add(hop.trim());
      }
    }
    int stop = Math.max(0, hops.size() - MAX_HOPS);
    for (int i = hops.size() - 1; i >= stop; i--) {
      InetAddress hop = literal(stripPort(hops.get(i)));
      if (hop == null) {
        break;
      }
      current = hop;
      if (!trusted(hop)) {
        break;
      }
    }
    return current.getHostAddress();
  }

  private static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end < 0 ? hop : hop.substring(1, end);
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
      return hop.substring(0, colon); // IPv4 with a port
    }
    return hop;
  }

  /** The address for an IP literal, or null for anything else (never a DNS lookup). */
  static InetAddress literal(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    int zone = t.indexOf('%');
    if (zone >= 0) {
      t = t.substring(0, zone);
    }
    boolean v4 = IPV4.matcher(t).matches();
    if (!v4 && !(t.indexOf(':') >= 0 && IPV6.matcher(t).matches())) {
      return null;
    }
    if (v4) {
      for (String part : t.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      return InetAddress.getByName(t); // a literal: parsed, not looked up
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
