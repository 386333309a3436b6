package io.mmaas.controlplane.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.keys.ApiKey;
import io.mmaas.controlplane.quotas.Quota;
import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The gateway limiter: concurrency slots are released, rates split across replicas")
class LimiterTest {
  static TestDatabase db;
  static Vertx vertx;
  static Pool pool;
  static UUID tenant = UUID.randomUUID();

  @BeforeAll
  static void start() {
    db = TestDatabase.create();
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(db.url())).using(vertx).build();
    pool.preparedQuery("INSERT INTO tenants (id, name, display_name, created_at, updated_at) VALUES ($1, 'lim', 'lim', now(), now())")
        .execute(Tuple.of(tenant)).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    db.close();
  }

  static ApiKey key(Integer rps, Integer concurrent) {
    return new ApiKey(UUID.randomUUID(), tenant, "k", "k", "p", new byte[32], ApiKey.ALL_SCOPES, null, null, null, null,
        OffsetDateTime.now(), rps, null, concurrent);
  }

  static Quota quota(int rps, int burst, int concurrent) {
    return new Quota(tenant, rps, burst, 1_000_000, concurrent, 10, 10, 10, 10);
  }

  @Test
  @DisplayName("a tenant's concurrency limit refuses the extra request and admits again once a slot is released")
  void concurrency() {
    Limiter limiter = new Limiter(pool, Clock.systemUTC(), () -> 1);
    ApiKey k = key(null, null);
    Quota q = quota(1000, 1000, 2);
    Limiter.Decision a = limiter.admit(tenant, k, q).await();
    Limiter.Decision b = limiter.admit(tenant, k, q).await();
    Limiter.Decision c = limiter.admit(tenant, k, q).await();
    assertThat(List.of(a.allowed(), b.allowed(), c.allowed())).containsExactly(true, true, false);
    assertThat(c.reason()).contains("concurrent");
    a.release().run();
    a.release().run(); // releasing twice must not free two slots
    assertThat(limiter.inFlight(tenant)).isEqualTo(1);
    Limiter.Decision d = limiter.admit(tenant, k, q).await();
    assertThat(d.allowed()).isTrue();
    assertThat(limiter.admit(tenant, k, q).await().allowed()).isFalse();
    b.release().run();
    d.release().run();
    assertThat(limiter.inFlight(tenant)).isZero();
  }

  @Test
  @DisplayName("with two live gateway replicas each admits half of the burst")
  void shareOfTheRate() {
    UUID other = UUID.randomUUID();
    pool.preparedQuery("INSERT INTO tenants (id, name, display_name, created_at, updated_at) VALUES ($1, 'lim2', 'lim2', now(), now())")
        .execute(Tuple.of(other)).await();
    Limiter limiter = new Limiter(pool, Clock.systemUTC(), () -> 2);
    Quota q = new Quota(other, 1, 20, 1_000_000, 100, 10, 10, 10, 10);
    ApiKey k = new ApiKey(UUID.randomUUID(), other, "k2", "k", "p", new byte[32], ApiKey.ALL_SCOPES, null, null, null,
        null, OffsetDateTime.now(), null, null, null);
    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      Limiter.Decision d = limiter.admit(other, k, q).await();
      if (d.allowed()) {
        admitted++;
        d.release().run();
      }
    }
    assertThat(admitted).isEqualTo(10);
  }
}
