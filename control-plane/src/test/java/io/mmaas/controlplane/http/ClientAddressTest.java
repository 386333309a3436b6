package io.mmaas.controlplane.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The source of a request is the socket peer unless it is a configured trusted proxy")
class ClientAddressTest {
  static ControlPlaneFixture direct;
  static ControlPlaneFixture proxied;

  @BeforeAll
  static void start() throws Exception {
    direct = ControlPlaneFixture.start(Map.of("MMAAS_AUDIT_DENIAL_WINDOW_MS", "600000"));
    proxied = ControlPlaneFixture.start(Map.of("MMAAS_AUDIT_DENIAL_WINDOW_MS", "600000",
        "MMAAS_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8"));
  }

  @AfterAll
  static void stop() {
    direct.close();
    proxied.close();
  }

  @Test
  @DisplayName("without trusted proxies, a new X-Forwarded-For value per request neither escapes the denial summary nor is recorded")
  void headerIgnoredWithoutTrustedProxies() {
    long before = deniedEvents(direct);
    for (int i = 0; i < 50; i++) {
      assertThat(direct.client.getAbs(direct.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication("bogus.token.x")
          .putHeader("X-Forwarded-For", "198.51.100." + i).send().await().statusCode()).isEqualTo(401);
    }
    settle(direct);
    // one event now; the other 49 are counted into the window's summary, not written one by one
    assertThat(deniedEvents(direct)).isEqualTo(before + 1);
    assertThat(sources(direct)).containsOnly("127.0.0.1");
  }

  @Test
  @DisplayName("behind a trusted proxy, the right-most untrusted hop is the source; hops left of it are not believed")
  void rightMostUntrustedHop() {
    assertThat(proxied.client.getAbs(proxied.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication("bogus.token.y")
        .putHeader("X-Forwarded-For", "203.0.113.9, 198.51.100.7, 10.1.2.3").send().await().statusCode())
        .isEqualTo(401);
    settle(proxied);
    assertThat(sources(proxied)).contains("198.51.100.7").doesNotContain("203.0.113.9");
  }

  @Test
  @DisplayName("behind a trusted proxy, a hop that is not an address ends the walk at the proxy that reported it")
  void garbageHop() {
    assertThat(proxied.client.getAbs(proxied.adminUrl() + "/api/v1/tenants").bearerTokenAuthentication("bogus.token.z")
        .putHeader("X-Forwarded-For", "not-an-address, 10.9.9.9").send().await().statusCode()).isEqualTo(401);
    settle(proxied);
    assertThat(sources(proxied)).contains("10.9.9.9").doesNotContain("not-an-address");
  }

  @Test
  @DisplayName("configuration: addresses and CIDRs of both families; a bad entry stops start-up")
  void parsing() {
    TrustedProxies p = TrustedProxies.parse("10.0.0.0/8, 192.168.1.5, fd00::/8");
    assertThat(p.trusted("10.200.3.4")).isTrue();
    assertThat(p.trusted("11.0.0.1")).isFalse();
    assertThat(p.trusted("192.168.1.5")).isTrue();
    assertThat(p.trusted("192.168.1.6")).isFalse();
    assertThat(p.trusted("fd12::1")).isTrue();
    assertThat(p.trusted("fe80::1")).isFalse();
    assertThat(p.trusted("example.com")).isFalse();
    assertThat(p.clientAddress("10.0.0.1", List.of("[2001:db8::1]:443"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(p.clientAddress("10.0.0.1", List.of("198.51.100.1:8080", "10.0.0.2"))).isEqualTo("198.51.100.1");
    assertThat(p.clientAddress("10.0.0.1", List.of("10.0.0.3"))).as("all hops trusted: the left-most").isEqualTo("10.0.0.3");
    assertThat(p.clientAddress("198.51.100.2", List.of("10.0.0.3"))).as("untrusted peer").isEqualTo("198.51.100.2");
    assertThat(TrustedProxies.parse("").clientAddress("127.0.0.1", List.of("1.2.3.4"))).isEqualTo("127.0.0.1");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33"))
        .hasMessageContaining("MMAAS_TRUSTED_PROXIES");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrustedProxies.parse("proxy.local"))
        .hasMessageContaining("MMAAS_TRUSTED_PROXIES");
  }

  /**
   * Denials are recorded after the answer; a failed sign-in is recorded before its answer, and its write queues
   * behind the denial writes started earlier, so once it is answered those are in.
   */
  private static void settle(ControlPlaneFixture cp) {
    assertThat(cp.client.postAbs(cp.adminUrl() + "/api/v1/auth/login").sendJsonObject(new io.vertx.core.json.JsonObject()
        .put("username", "nobody-" + System.nanoTime()).put("password", "x")).await().statusCode()).isEqualTo(401);
  }

  private static long deniedEvents(ControlPlaneFixture cp) {
    return sources(cp).size();
  }

  private static List<String> sources(ControlPlaneFixture cp) {
    List<String> out = new ArrayList<>();
    try (var c = cp.db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("SELECT source_ip FROM audit_events WHERE action = 'access.denied' ORDER BY seq")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

}
