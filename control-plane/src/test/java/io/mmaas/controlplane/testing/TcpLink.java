package io.mmaas.controlplane.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy (NetCrusher) in front of any loopback service, e.g. an agent's link to the agent API or the control
 * plane's to PostgreSQL ({@link DatabaseLink}): the test can cut it (new connections refused, open ones reset, as when
 * the far side is unreachable) or freeze it (connections stay open and nothing moves, as on a dead link), and undo
 * either.
 */
public final class TcpLink implements AutoCloseable {
  private final NioReactor reactor;
  private final TcpCrusher crusher;
  private final int port;

  private TcpLink(NioReactor reactor, TcpCrusher crusher, int port) {
    this.reactor = reactor;
    this.crusher = crusher;
    this.port = port;
  }

  /** A link to the service at {@code url} ({@code http://host:port}); {@link #url()} names the same path through it. */
  public static TcpLink to(String url) throws IOException {
    URI u = URI.create(url);
    return to(u.getHost(), u.getPort());
  }

  /** A link to {@code host:port}, listening on a free loopback port ({@link #port()}). */
  public static TcpLink to(String host, int port) throws IOException {
    int local;
    try (ServerSocket s = new ServerSocket(0)) {
      local = s.getLocalPort();
    }
    NioReactor reactor = new NioReactor();
    TcpCrusher crusher = TcpCrusherBuilder.builder().withReactor(reactor).withBindAddress("127.0.0.1", local)
        .withConnectAddress(host, port).buildAndOpen();
    return new TcpLink(reactor, crusher, local);
  }

  /** The loopback port the link listens on. */
  public int port() {
    return port;
  }

  /** The service's URL through the link ({@code http://127.0.0.1:<link port>}). */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Refuses new connections and resets open ones. */
  public void cut() {
    if (crusher.isOpen()) {
      crusher.close();
    }
  }

  /** Accepts connections again after {@link #cut()}. */
  public void restore() {
    if (!crusher.isOpen()) {
      crusher.open();
    }
  }

  /** Open connections stop moving bytes (neither side learns anything) until {@link #unfreeze()}. */
  public void freeze() {
    crusher.freeze();
  }

  public void unfreeze() {
    if (crusher.isOpen() && crusher.isFrozen()) {
      crusher.unfreeze();
    }
  }

  @Override
  public void close() {
    cut();
    reactor.close();
  }
}
