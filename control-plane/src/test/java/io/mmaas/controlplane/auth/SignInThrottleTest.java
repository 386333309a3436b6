package io.mmaas.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sign-in throttle counts attempts before hashing and does not forget under a flood")
class SignInThrottleTest {
  static ControlPlaneFixture cp;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("a parallel burst of 30 guesses at one account from one source gets 5 tries, like a sequential one")
  void parallelBurstIsCounted() {
    // one connection per request, so all 30 arrive together (the default pool would queue all but 5)
    var client = io.vertx.ext.web.client.WebClient.create(cp.vertx,
        new io.vertx.ext.web.client.WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(30));
    List<Future<Integer>> answers = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      answers.add(client.postAbs(cp.adminUrl() + "/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("username", ControlPlaneFixture.ADMIN).put("password", "guess-" + i))
          .map(r -> r.statusCode()));
    }
    Future.all(answers).await();
    long tried = answers.stream().filter(f -> f.result() == 401).count();
    long throttled = answers.stream().filter(f -> f.result() == 429).count();
    assertThat(tried).isEqualTo(SignInThrottle.PAIR_FREE);
    assertThat(throttled).isEqualTo(30 - SignInThrottle.PAIR_FREE);
  }

  @Test
  @DisplayName("throttled sign-ins are summarised like other denials: one event per source and claimed name, not one each")
  void throttledAttemptsAreSummarised() throws Exception {
    int throttled = 0;
    for (int i = 0; i < 30; i++) {
      int status = cp.client.postAbs(cp.adminUrl() + "/api/v1/auth/login")
          .sendJsonObject(new JsonObject().put("username", "ghost-flood").put("password", "guess-" + i)).await()
          .statusCode();
      throttled += status == 429 ? 1 : 0;
    }
    assertThat(throttled).isEqualTo(30 - SignInThrottle.PAIR_FREE);
    try (var c = cp.db.connect(); var s = c.createStatement(); var rs = s.executeQuery("""
        SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM audit_events
          WHERE action = 'auth.login' AND outcome = 'denied' GROUP BY actor_name, source_ip) g""")) {
      rs.next();
      assertThat(rs.getLong(1)).as("throttled events per claimed name and source in the window").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("200,000 failures for other accounts from other sources leave an attacked account's recent failures in place")
  void floodDoesNotResetAnAccount() {
    Clock clock = Clock.fixed(Instant.parse("2026-12-10T10:00:00Z"), ZoneOffset.UTC);
    SignInThrottle throttle = new SignInThrottle(clock);
    for (int i = 0; i < SignInThrottle.ACCOUNT_SLOW; i++) {
      assertThat(throttle.check("victim", "10.0.0." + i)).isZero();
    }
    assertThat(throttle.check("victim", "10.0.1.1")).as("the account is slowed down").isPositive();
    for (int i = 0; i < 200_000; i++) {
      throttle.check("spray-" + i, "172.16." + (i >> 8 & 255) + "." + (i & 255) + "-" + i);
    }
    assertThat(throttle.check("victim", "10.0.2.2")).as("still slowed down after the flood").isPositive();
    assertThat(throttle.size()).as("memory stays bounded")
        .isLessThanOrEqualTo(SignInThrottle.MAX_ACCOUNTS + SignInThrottle.MAX_PAIRS + SignInThrottle.MAX_SOURCES);
  }

  @Test
  @DisplayName("a right password is not a failure: it clears its pair and does not count against account or source")
  void successIsTakenBack() {
    SignInThrottle throttle = new SignInThrottle(Clock.fixed(Instant.parse("2026-12-10T10:00:00Z"), ZoneOffset.UTC));
    for (int i = 0; i < 100; i++) {
      assertThat(throttle.check("alice", "192.0.2.1")).isZero();
      throttle.succeeded("alice", "192.0.2.1");
    }
    assertThat(throttle.size()).isZero();
  }

  @Test
  @DisplayName("IPv6 sources count per /64")
  void ipv6Prefix() {
    assertThat(SignInThrottle.source("2001:db8:1:2:0:0:0:1")).isEqualTo(SignInThrottle.source("2001:db8:1:2:a:b:c:d"));
    assertThat(SignInThrottle.source("2001:db8:1:3:0:0:0:1")).isNotEqualTo(SignInThrottle.source("2001:db8:1:2:0:0:0:1"));
    assertThat(SignInThrottle.source("192.0.2.1")).isEqualTo("192.0.2.1");
  }
}
