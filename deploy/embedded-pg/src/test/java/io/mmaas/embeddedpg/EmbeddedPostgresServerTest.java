package io.mmaas.embeddedpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The embedded PostgreSQL")
class EmbeddedPostgresServerTest {

  @Test
  @DisplayName("keeps its data across a stop and a start on the same folder, and listens on the port it was given")
  void keptAcrossRestarts(@TempDir Path dir) throws Exception {
    int port = freePort();
    // binaries unpacked where zonky keeps them by default, so that they are unpacked once per machine
    Path binaries = Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg");
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startKept(dir.resolve("data"), binaries, port)) {
      assertThat(pg.port()).isEqualTo(port);
      assertThat(pg.createDatabaseIfMissing("kept")).isTrue();
      assertThat(pg.createDatabaseIfMissing("kept")).isFalse();
      try (Connection c = connect(port, "kept"); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (v text); INSERT INTO t VALUES ('survives')");
      }
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startKept(dir.resolve("data"), binaries, port)) {
      assertThat(pg.createDatabaseIfMissing("kept")).isFalse();
      try (Connection c = connect(port, "kept"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT v, current_setting('server_version_num')::int, "
              + "current_setting('fsync') FROM t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("survives");
        assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(150000);
        assertThat(rs.getString(3)).isEqualTo("on");
      }
    }
  }

  @Test
  @DisplayName("a throw-away server answers on a free port and deletes its data when it stops")
  void throwaway(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("pg.log");
    Path data;
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startThrowaway(log)) {
      assertThat(pg.url("postgres")).isEqualTo("postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres");
      try (Connection c = connect(pg.port(), "postgres"); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_setting('data_directory'), current_setting('fsync')")) {
        assertThat(rs.next()).isTrue();
        data = Path.of(rs.getString(1));
        assertThat(rs.getString(2)).isEqualTo("off");
      }
      assertThat(data).isDirectory();
    }
    assertThat(data).doesNotExist();
    assertThat(log).content().contains("database system is ready to accept connections");
  }

  @Test
  @DisplayName("binaries whose unpacking was cut short are unpacked again, not left to fail every start")
  void unfinishedUnpack(@TempDir Path dir) throws Exception {
    Path work = dir.resolve("binaries");
    Path done = Files.createDirectories(work.resolve("PG-done"));
    Files.writeString(done.resolve(".exists"), "");
    Files.writeString(done.resolve("kept"), "x");
    Path cut = Files.createDirectories(work.resolve("PG-cut/lib"));
    Files.createSymbolicLink(cut.resolve("libicudata.so"), Path.of("libicudata.so.60"));
    Files.writeString(cut.resolve("libicudata.so.60"), "half");

    EmbeddedPostgresServer.removeUnfinishedUnpacks(work);

    assertThat(done.resolve("kept")).exists();
    assertThat(work.resolve("PG-cut")).isDirectory();
    try (var left = Files.list(work.resolve("PG-cut"))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsOnly("epg-lock");
    }
  }

  private static Connection connect(int port, String db) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, "postgres", null);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
