package io.mmaas.embeddedpg;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server run from the binaries zonky publishes on Maven Central, for a machine that has no
 * PostgreSQL of its own: trust authentication for {@code postgres} on 127.0.0.1 only, as Debian's local default.
 *
 * <p>PostgreSQL refuses to run as root; as root, zonky runs {@code initdb}, {@code pg_ctl} and so the server inside a
 * new user namespace ({@code unshare -U}), where the process is not root. Where that is not possible, starting fails
 * with PostgreSQL's own message.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private final EmbeddedPostgres pg;

  private EmbeddedPostgresServer(EmbeddedPostgres pg) {
    this.pg = pg;
  }

  /**
   * Starts a server whose data outlives it: kept in {@code dataDir} (created by {@code initdb} on the first start,
   * reused afterwards), binaries unpacked under {@code workDir}, listening on {@code port}. {@code dataDir} must
   * not be inside {@code workDir}: zonky deletes the folders there that a crashed server left behind.
   */
  public static EmbeddedPostgresServer startKept(Path dataDir, Path workDir, int port) throws IOException {
    if (dataDir.toAbsolutePath().normalize().startsWith(workDir.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("the data folder " + dataDir + " must not be inside " + workDir);
    }
    Files.createDirectories(workDir);
    removeUnfinishedUnpacks(workDir);
    return new EmbeddedPostgresServer(base()
        .setOverrideWorkingDirectory(workDir.toFile())
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        // zonky starts postgres with -F (no fsync); data kept across runs should survive a crash of the machine
        .setServerConfig("fsync", "on")
        .setPort(port)
        .setOutputRedirector(ProcessBuilder.Redirect.INHERIT)
        .setErrorRedirector(ProcessBuilder.Redirect.INHERIT)
        .start());
  }

  /**
   * Starts a throw-away server for one test run: data in a temporary folder deleted when it stops, any free port,
   * no fsync (the data does not have to survive a crash of the machine); the server's output is appended to
   * {@code log}.
   */
  public static EmbeddedPostgresServer startThrowaway(Path log) throws IOException {
    return new EmbeddedPostgresServer(base()
        .setCleanDataDirectory(true)
        .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .setServerConfig("fsync", "off")
        .setServerConfig("full_page_writes", "off")
        .start());
  }

  /**
   * Empties the binaries folders ({@code PG-<digest>}) whose unpacking was cut short (no {@code .exists} marker) and
   * that no one is unpacking now (zonky's {@code epg-lock} is free): zonky would otherwise fail on the files already
   * there, on every start.
   */
  static void removeUnfinishedUnpacks(Path workDir) throws IOException {
    List<Path> dirs;
    try (Stream<Path> list = Files.list(workDir)) {
      dirs = list.filter(d -> d.getFileName().toString().startsWith("PG-") && Files.isDirectory(d)
          && !Files.exists(d.resolve(".exists"))).toList();
    }
    for (Path dir : dirs) {
      Path lockFile = dir.resolve("epg-lock");
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.tryLock()) {
        if (lock == null || Files.exists(dir.resolve(".exists"))) {
          continue;
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
          entries = walk.filter(p -> !p.equals(dir) && !p.equals(lockFile))
              .sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : entries) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static EmbeddedPostgres.Builder base() throws IOException {
    if (new UnixSystem().getUid() == 0 && !LinuxUtils.isUnshareAvailable()) {
      // zonky would run initdb as root, which refuses with a message that does not say what to do
      throw new IOException("PostgreSQL refuses to run as root, and this machine does not let root start a user "
          + "namespace ('unshare -U', which runs it as another user): run as a user other than root, or point "
          + "MMAAS_DATABASE_URL / -Dmmaas.test.pg at a PostgreSQL server");
    }
    return EmbeddedPostgres.builder()
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("max_connections", "300")
        .setPGStartupWait(java.time.Duration.ofSeconds(60));
  }

  public int port() {
    return pg.getPort();
  }

  /** The server's database {@code database} as a {@code postgresql://} URL (user postgres, trust). */
  public String url(String database) {
    return "postgresql://postgres@127.0.0.1:" + port() + "/" + database;
  }

  /** Creates {@code database} unless it exists; true when it was created. */
  public boolean createDatabaseIfMissing(String database) throws SQLException {
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain database name: " + database);
    }
    try (Connection c = DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port() + "/postgres", "postgres", null)) {
      try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        q.setString(1, database);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + database);
      }
      return true;
    }
  }

  /** Stops the server (a fast shutdown); a throw-away server's data is deleted. */
  @Override
  public void close() throws IOException {
    pg.close();
  }
}
