package io.mmaas.controlplane.testing;

import io.mmaas.migrations.Migrations;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test class, created on the server {@link TestPostgres} chose for this JVM (the
 * machine's on 127.0.0.1:5432 when it answers, else an embedded one; {@code -Dmmaas.test.pg} overrides), migrated
 * with the real Flyway migrations and dropped afterwards.
 */
public final class TestDatabase implements AutoCloseable {
  private final String server;
  private final String name;

  private TestDatabase(String server, String name) {
    this.server = server;
    this.name = name;
  }

  public static TestDatabase create() {
    return create(TestPostgres.server());
  }

  /** A fresh database on {@code server} ({@code postgresql://user@host:port/postgres}, e.g. a {@link PrivatePostgres}). */
  public static TestDatabase create(String server) {
    String name = "mmaas_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    TestDatabase db = new TestDatabase(server, name);
    db.admin("CREATE DATABASE " + name);
    Migrations.migrate(db.jdbcUrl(), db.user(), null);
    return db;
  }

  /** The database as a {@code postgresql://} URL for the control plane's configuration. */
  public String url() {
    URI u = URI.create(server);
    return "postgresql://" + u.getUserInfo() + "@" + u.getHost() + ":" + port(u) + "/" + name;
  }

  public String jdbcUrl() {
    URI u = URI.create(server);
    return "jdbc:postgresql://" + u.getHost() + ":" + port(u) + "/" + name;
  }

  public String user() {
    return URI.create(server).getUserInfo();
  }

  public String name() {
    return name;
  }

  /** Opens a JDBC connection as the superuser, for tests that inspect or tamper with rows directly. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), user(), null);
  }

  @Override
  public void close() {
    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private void admin(String sql) {
    URI u = URI.create(server);
    String jdbc = "jdbc:postgresql://" + u.getHost() + ":" + port(u) + u.getPath();
    try (Connection c = DriverManager.getConnection(jdbc, u.getUserInfo(), null); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "' on " + jdbc + ": " + e.getMessage(), e);
    }
  }

  private static int port(URI u) {
    return u.getPort() > 0 ? u.getPort() : 5432;
  }
}
