package io.mmaas.controlplane.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The recommended deployment logs in as mmaas_app: its connections have no owner to RESET ROLE back to")
class DatabaseLoginTest {
  static ControlPlaneFixture cp;
  static String appUrl;

  @BeforeAll
  static void start() throws Exception {
    // what up.sh does: the application logs in as mmaas_app, migrations run as the owner
    cp = ControlPlaneFixture.startWith(db -> {
      URI u = URI.create(db.url());
      appUrl = "postgresql://mmaas_app@" + u.getHost() + ":" + u.getPort() + "/" + db.name();
      return Map.of("MMAAS_DATABASE_URL", appUrl, "MMAAS_MIGRATION_DATABASE_URL", db.url());
    });
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("the control plane works as mmaas_app, and RESET ROLE on its connection leaves it mmaas_app")
  void noEscape() {
    String admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
    Pool app = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(appUrl)).using(cp.vertx).build();
    try {
      String who = app.withConnection(c -> c.query("RESET ROLE").execute()
          .compose(x -> c.query("SELECT current_user").execute())).await().iterator().next().getString(0);
      assertThat(who).isEqualTo("mmaas_app");
      assertThatThrownBy(() -> app.query("ALTER TABLE audit_events DISABLE TRIGGER ALL").execute().await())
          .hasMessageContaining("must be owner");
    } finally {
      app.close().await();
    }
  }
}
