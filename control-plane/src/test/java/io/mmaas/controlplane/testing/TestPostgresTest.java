package io.mmaas.controlplane.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The tests' PostgreSQL")
class TestPostgresTest {

  @Test
  @DisplayName("a configured server is taken as it is, never replaced")
  void configuredWins() {
    assertThat(TestPostgres.choose("postgresql://someone@db.example:6543/postgres").url())
        .isEqualTo("postgresql://someone@db.example:6543/postgres");
  }

  @Test
  @DisplayName("'embedded' starts a real PostgreSQL 15 from Maven Central's binaries beside the machine's")
  void embedded() throws Exception {
    URI u = URI.create(TestPostgres.choose("embedded").url());
    assertThat(u.getHost()).isEqualTo("127.0.0.1");
    assertThat(u.getPort()).isNotEqualTo(5432);
    try (Connection c = DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + u.getPort() + u.getPath(), u.getUserInfo(), null);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_user")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isBetween(150000, 169999);
      assertThat(rs.getString(2)).isEqualTo("postgres");
    }
  }
}
