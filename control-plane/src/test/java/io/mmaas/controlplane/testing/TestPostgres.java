package io.mmaas.controlplane.testing;

import io.mmaas.embeddedpg.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The PostgreSQL server the tests of this JVM create their databases on, chosen once:
 * <ul>
 *   <li>{@code -Dmmaas.test.pg=postgresql://user@host:port/db}: that server, as it is (it must answer);</li>
 *   <li>{@code -Dmmaas.test.pg=embedded}: an embedded server, even where the machine has one;</li>
 *   <li>unset or blank: the machine's server on 127.0.0.1:5432 as {@code postgres} when something listens there,
 *       else one embedded server (zonky's binaries from Maven Central), started on first use and stopped when the
 *       JVM exits.</li>
 * </ul>
 * The choice is printed once, so that a run says which PostgreSQL it tested against.
 */
public final class TestPostgres {
  public static final String MACHINE = "postgresql://postgres@127.0.0.1:5432/postgres";

  private static volatile String server;

  private TestPostgres() {}

  /** The chosen server's maintenance database as a {@code postgresql://user@host:port/db} URL. */
  public static String server() {
    String s = server;
    if (s == null) {
      synchronized (TestPostgres.class) {
        s = server;
        if (s == null) {
          Choice c = choose(System.getProperty("mmaas.test.pg", "").trim());
          System.err.println("[mmaas tests] PostgreSQL: " + c.url() + " (" + c.why() + ")");
          s = c.url();
          server = s;
        }
      }
    }
    return s;
  }

  /** A server and why it was chosen. */
  record Choice(String url, String why) {}

  static Choice choose(String configured) {
    if (!configured.isEmpty() && !configured.equals("embedded")) {
      return new Choice(configured, "-Dmmaas.test.pg");
    }
    if (configured.isEmpty() && listening("127.0.0.1", 5432)) {
      return new Choice(MACHINE, "the machine's");
    }
    return new Choice(startEmbedded().url("postgres"), configured.isEmpty()
        ? "embedded: nothing listens on 127.0.0.1:5432" : "embedded: -Dmmaas.test.pg=embedded");
  }

  private static EmbeddedPostgresServer startEmbedded() {
    try {
      Path log = Files.createTempFile("mmaas-test-pg-", ".log");
      EmbeddedPostgresServer pg = EmbeddedPostgresServer.startThrowaway(log);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
          Files.deleteIfExists(log);
        } catch (IOException e) {
          System.err.println("[mmaas tests] stopping the embedded PostgreSQL: " + e.getMessage());
        }
      }, "test-pg-stop"));
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL for the tests", e);
    }
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
