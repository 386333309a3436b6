package io.mmaas.embeddedpg;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded PostgreSQL of {@code deploy/local/up.sh}: starts a kept server and runs until it is told to stop
 * (SIGTERM or SIGINT), then shuts PostgreSQL down.
 *
 * <pre>java -jar embedded-pg-app.jar DATA_DIR PORT [DATABASE]</pre>
 *
 * DATA_DIR holds the cluster ({@code DATA_DIR/data}) and the unpacked binaries ({@code DATA_DIR/binaries});
 * DATABASE (default {@code mmaas}) is created when missing. When the server accepts connections, one line {@code ready postgresql://…/DATABASE} is
 * printed on standard output.
 */
public final class EmbeddedPostgresMain {
  private EmbeddedPostgresMain() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("logback.configurationFile", "embedded-pg-logback.xml");
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: java -jar embedded-pg-app.jar DATA_DIR PORT [DATABASE]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    String database = args.length == 3 ? args[2] : "mmaas";
    EmbeddedPostgresServer server;
    try {
      server = EmbeddedPostgresServer.startKept(dir.resolve("data"), dir.resolve("binaries"), port);
    } catch (Exception | Error e) {
      System.err.println("error: cannot start the embedded PostgreSQL on 127.0.0.1:" + port + " with data in "
          + dir.resolve("data") + ": " + e.getMessage());
      e.printStackTrace();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
        System.out.println("stopped");
      } catch (Exception e) {
        System.err.println("error: stopping PostgreSQL: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "embedded-pg-stop"));
    if (server.createDatabaseIfMissing(database)) {
      System.out.println("created database " + database);
    }
    System.out.println("ready " + server.url(database));
    System.out.flush();
    stopped.await();
  }
}
