package io.mmaas.controlplane.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP proxy (NetCrusher) between the code under test and PostgreSQL that a test can cut (connections refused and
 * reset, as when the server is down) or freeze (connections stay open and nothing moves, as on a dead link).
 */
public final class DatabaseLink implements AutoCloseable {
  private final NioReactor reactor;
  private final TcpCrusher crusher;
  private final String url;

  private DatabaseLink(NioReactor reactor, TcpCrusher crusher, String url) {
    this.reactor = reactor;
    this.crusher = crusher;
    this.url = url;
  }

  /** A link to the database of {@code postgresUrl} ({@code postgresql://user@host:port/db}). */
  public static DatabaseLink to(String postgresUrl) throws IOException {
    URI u = URI.create(postgresUrl);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    NioReactor reactor = new NioReactor();
    TcpCrusher crusher = TcpCrusherBuilder.builder().withReactor(reactor).withBindAddress("127.0.0.1", port)
        .withConnectAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 5432).buildAndOpen();
    String url = "postgresql://" + u.getUserInfo() + "@127.0.0.1:" + port + u.getPath();
    return new DatabaseLink(reactor, crusher, url);
  }

  /** The database URL through the link. */
  public String url() {
    return url;
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
