package io.mmaas.controlplane.testing;

import java.io.IOException;
import java.net.URI;

/**
 * A {@link TcpLink} between the code under test and PostgreSQL, addressed with {@code postgresql://} URLs: a test can
 * cut it (as when the server is down) or freeze it (as on a dead link).
 */
public final class DatabaseLink implements AutoCloseable {
  private final TcpLink link;
  private final String url;

  private DatabaseLink(TcpLink link, String url) {
    this.link = link;
    this.url = url;
  }

  /** A link to the database of {@code postgresUrl} ({@code postgresql://user@host:port/db}). */
  public static DatabaseLink to(String postgresUrl) throws IOException {
    URI u = URI.create(postgresUrl);
    TcpLink link = TcpLink.to(u.getHost(), u.getPort() > 0 ? u.getPort() : 5432);
    return new DatabaseLink(link, "postgresql://" + u.getUserInfo() + "@127.0.0.1:" + link.port() + u.getPath());
  }

  /** The database URL through the link. */
  public String url() {
    return url;
  }

  /** Refuses new connections and resets open ones. */
  public void cut() {
    link.cut();
  }

  /** Accepts connections again after {@link #cut()}. */
  public void restore() {
    link.restore();
  }

  /** Open connections stop moving bytes (neither side learns anything) until {@link #unfreeze()}. */
  public void freeze() {
    link.freeze();
  }

  public void unfreeze() {
    link.unfreeze();
  }

  @Override
  public void close() {
    link.close();
  }
}
