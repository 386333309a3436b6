package io.mmaas.controlplane.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL 15 cluster of the test's own (initdb in a temporary folder, a free port, trust auth for
 * {@code postgres}), which the test may stop and start: the machine's shared server is never touched. As root the
 * cluster's commands run as the {@code postgres} OS user ({@code runuser}), which owns the folder.
 */
public final class PrivatePostgres implements AutoCloseable {
  private static final Path BIN = Path.of(System.getProperty("mmaas.test.pgbin", "/usr/lib/postgresql/15/bin"));

  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;

  private PrivatePostgres(Path dir, int port, boolean asPostgresUser) {
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Creates and starts a fresh cluster. */
  public static PrivatePostgres start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("mmaas-pg-");
    boolean root = "root".equals(System.getProperty("user.name"));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PrivatePostgres pg = new PrivatePostgres(dir, port, root);
    if (root) {
      run(List.of("chown", "postgres", dir.toString()));
    }
    pg.pg(BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
        "--auth=trust", "-E", "UTF8", "--no-sync");
    pg.startServer();
    return pg;
  }

  /** The server as {@code postgresql://postgres@127.0.0.1:port/postgres}, for {@link TestDatabase#create(String)}. */
  public String serverUrl() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  /** Starts the server and waits until it accepts connections. */
  public void startServer() throws IOException, InterruptedException {
    pg(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-o",
        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-l",
        dir.resolve("server.log").toString(), "-w", "-t", "60", "start");
  }

  /** Stops the server at once ({@code -m immediate}: no checkpoint, clients cut off, as a crash). */
  public void stopImmediately() throws IOException, InterruptedException {
    pg(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
  }

  @Override
  public void close() throws Exception {
    try {
      pg(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } catch (IOException ignored) {
      // already stopped
    }
    run(List.of("rm", "-rf", dir.toString()));
  }

  private void pg(String... command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    run(full);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (p.isAlive() && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
    }
    if (p.isAlive() || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + new String(out));
    }
  }
}
