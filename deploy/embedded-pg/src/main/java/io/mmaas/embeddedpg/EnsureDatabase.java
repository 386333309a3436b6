package io.mmaas.embeddedpg;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * up.sh's PostgreSQL client, so that it needs no {@code psql}: checks that a {@code postgresql://} URL answers, or
 * creates its database on that server when missing.
 *
 * <pre>java -cp embedded-pg-app.jar io.mmaas.embeddedpg.EnsureDatabase check|create postgresql://user[:pw]@host[:port]/db</pre>
 *
 * Exit status 0 when the database answers (or was created), 1 with the driver's reason otherwise.
 */
public final class EnsureDatabase {
  private EnsureDatabase() {}

  public static void main(String[] args) {
    if (args.length != 2 || !(args[0].equals("check") || args[0].equals("create"))) {
      System.err.println("usage: EnsureDatabase check|create postgresql://user@host:port/db");
      System.exit(2);
    }
    Target t;
    try {
      t = Target.parse(args[1]);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      if (args[0].equals("create") && createIfMissing(t)) {
        System.out.println("created database " + t.database());
      }
      try (Connection c = DriverManager.getConnection(t.jdbc(t.database()), t.user(), t.password());
          Statement s = c.createStatement()) {
        s.execute("SELECT 1");
      }
    } catch (SQLException e) {
      System.err.println("error: " + t.safe() + ": " + e.getMessage());
      System.exit(1);
    }
  }

  private static boolean createIfMissing(Target t) throws SQLException {
    if (!t.database().matches("[a-z_][a-z0-9_]*")) {
      throw new SQLException("will only create a plain database name, not " + t.database());
    }
    try (Connection c = DriverManager.getConnection(t.jdbc("postgres"), t.user(), t.password())) {
      try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        q.setString(1, t.database());
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return false;
          }
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + t.database());
      }
      return true;
    }
  }

  /** The parts of a {@code postgresql://} URL, as the control plane reads it. */
  record Target(String host, int port, String database, String user, String password, String query) {
    static Target parse(String url) {
      URI u;
      try {
        u = URI.create(url);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a postgresql:// URL");
      }
      if (!"postgresql".equals(u.getScheme()) && !"postgres".equals(u.getScheme()) || u.getHost() == null) {
        throw new IllegalArgumentException("not a postgresql://user@host:port/db URL");
      }
      String info = u.getUserInfo() == null ? "postgres" : u.getUserInfo();
      int colon = info.indexOf(':');
      String path = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
      return new Target(u.getHost(), u.getPort() > 0 ? u.getPort() : 5432, path.isEmpty() ? "postgres" : path,
          colon < 0 ? info : info.substring(0, colon), colon < 0 ? null : info.substring(colon + 1),
          u.getRawQuery());
    }

    String jdbc(String db) {
      return "jdbc:postgresql://" + host + ":" + port + "/" + db + (query == null ? "" : "?" + query);
    }

    /** The URL without its password, for messages. */
    String safe() {
      return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
  }
}
