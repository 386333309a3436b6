package io.mmaas.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.keys.ApiKeyFormat;
import io.mmaas.controlplane.keys.ApiKeyRepository;
import io.mmaas.controlplane.quotas.QuotaRepository;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A key revoked while its cache load is in flight is not kept in the cache")
class KeyCacheRaceTest {
  static ControlPlaneFixture cp;
  static Pool pool;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(cp.db.url())).using(cp.vertx).build();
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("load reads the key, the key is revoked and announced, the load finishes: the next check reloads")
  void revocationDuringLoad() throws Exception {
    String admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "racy"));
    String key = cp.post(admin, "/api/v1/tenants/racy/api-keys", new JsonObject().put("name", "k")).getString("key");
    String keyId = ApiKeyFormat.parse(key).keyId();
    KeyAuthenticator auth = new KeyAuthenticator(pool, new ApiKeyRepository(), new TenantRepository(),
        new QuotaRepository(), Clock.systemUTC(), 1_000, 30_000);
    auth.listening(true); // notifications flow: cached entries are trusted for 30 s

    Future<KeyAuthenticator.Principal> inFlight;
    try (Connection blocker = cp.db.connect(); Connection other = cp.db.connect()) {
      blocker.setAutoCommit(false);
      // the load's second read (the tenant) waits behind this lock, after its first read saw the key unrevoked
      blocker.createStatement().execute("LOCK TABLE tenants IN ACCESS EXCLUSIVE MODE");
      inFlight = auth.authenticate(key);
      awaitWaitingLock(other);
      other.createStatement().executeUpdate("UPDATE api_keys SET revoked_at = now() WHERE key_id = '" + keyId + "'");
      auth.evict(keyId); // what the change notification does
      blocker.commit();
    }
    assertThat(inFlight.await()).as("the request that began before the revocation").isNotNull();
    assertThat(auth.authenticate(key).await()).as("the next request sees the revocation").isNull();
  }

  private static void awaitWaitingLock(Connection c) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (true) {
      try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_locks l JOIN pg_class t ON t.oid = "
          + "l.relation WHERE t.relname = 'tenants' AND NOT l.granted")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
      assertThat(Instant.now()).as("the load reaches the tenants table").isBefore(deadline);
      Thread.sleep(10);
    }
  }
}
