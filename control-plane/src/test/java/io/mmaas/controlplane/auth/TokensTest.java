package io.mmaas.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.controlplane.app.Config;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Session tokens: key rotation by kid, expiry, and no start without a signing key")
class TokensTest {
  static Vertx vertx;
  static final Tokens.SigningKey OLD = new Tokens.SigningKey("2026-01", bytes("old-signing-key-0123456789abcdef0123"));
  static final Tokens.SigningKey NEW = new Tokens.SigningKey("2026-06", bytes("new-signing-key-0123456789abcdef0123"));

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  @DisplayName("a token signed with the old key stays valid while the old key is listed after the new one")
  void rotation() {
    String oldToken = new Tokens(vertx, List.of(OLD), 600, Clock.systemUTC()).issue(UUID.randomUUID(), UUID.randomUUID())
        .token();
    Tokens rotated = new Tokens(vertx, List.of(NEW, OLD), 600, Clock.systemUTC());
    assertThat(rotated.verify(oldToken).await().sessionId()).isNotNull();
    assertThat(rotated.verify(rotated.issue(UUID.randomUUID(), UUID.randomUUID()).token()).await()).isNotNull();
    Tokens newOnly = new Tokens(vertx, List.of(NEW), 600, Clock.systemUTC());
    assertThatThrownBy(() -> newOnly.verify(oldToken).await()).hasMessageContaining("invalid");
  }

  @Test
  @DisplayName("a token is refused once its expiry has passed")
  void expiry() {
    String token = new Tokens(vertx, List.of(NEW), 600, Clock.systemUTC()).issue(UUID.randomUUID(), UUID.randomUUID())
        .token();
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofMinutes(11)), ZoneOffset.UTC);
    assertThatThrownBy(() -> new Tokens(vertx, List.of(NEW), 600, later).verify(token).await())
        .hasMessageContaining("invalid or expired");
  }

  @Test
  @DisplayName("the control plane refuses to start without a signing key, or with a short one")
  void noUnsignedMode() {
    Map<String, String> base = Map.of("MMAAS_AGENT_SERVING_SECRET", "agent-secret-0123456789abcdef0123456789");
    assertThatThrownBy(() -> Config.from(base)).hasMessageContaining("MMAAS_JWT_SECRET is required");
    Map<String, String> shortKey = new java.util.HashMap<>(base);
    shortKey.put("MMAAS_JWT_SECRET", "too-short");
    assertThatThrownBy(() -> Config.from(shortKey)).hasMessageContaining("at least 32 bytes");
    Map<String, String> keys = new java.util.HashMap<>(base);
    keys.put("MMAAS_JWT_KEYS", "2026-06:new-signing-key-0123456789abcdef0123,2026-01:old-signing-key-0123456789abcdef0123");
    assertThat(Config.from(keys).jwtKeys()).extracting(Tokens.SigningKey::kid).containsExactly("2026-06", "2026-01");
  }

  @Test
  @DisplayName("a signed token whose claims have the wrong JSON types is refused as invalid (401), not a 500")
  void wronglyTypedClaims() {
    Tokens tokens = new Tokens(vertx, List.of(NEW), 600, Clock.systemUTC());
    String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"2026-06\"}";
    String sub = UUID.randomUUID().toString();
    String sid = UUID.randomUUID().toString();
    String good = "\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"" + Tokens.AUDIENCE + "\",\"sub\":\"" + sub
        + "\",\"sid\":\"" + sid + "\"";
    assertThat(tokens.verify(HandMadeJwt.sign(header, "{" + good + ",\"exp\":4102444800}", NEW.secret())).await()
        .userId()).hasToString(sub);
    // exp as a string made Tokens.verify throw ClassCastException (found by TokensFuzzTest)
    for (String payload : List.of("{" + good + ",\"exp\":\"4102444800\"}", "{" + good + ",\"exp\":true}",
        "{" + good + ",\"exp\":[4102444800]}", "{" + good.replace("\"" + sub + "\"", "42") + ",\"exp\":4102444800}",
        "{" + good.replace("\"" + Tokens.ISSUER + "\"", "{}") + ",\"exp\":4102444800}")) {
      assertThatThrownBy(() -> tokens.verify(HandMadeJwt.sign(header, payload, NEW.secret())).await()).as(payload)
          .isInstanceOf(io.mmaas.controlplane.errors.UnauthorizedException.class);
    }
  }

  @Test
  @DisplayName("a signed token whose header or payload is not valid UTF-8 is refused, whatever its claims read as")
  void invalidUtf8Refused() {
    Tokens tokens = new Tokens(vertx, List.of(NEW), 600, Clock.systemUTC());
    byte[] header = bytes("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"2026-06\"}");
    String claims = "iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"" + Tokens.AUDIENCE + "\",\"sub\":\""
        + UUID.randomUUID() + "\",\"sid\":\"" + UUID.randomUUID() + "\",\"exp\":4102444800}";
    // the library's JSON parser read the key "\xffiss" as "iss", a strict UTF-8 decoder does not: a token two
    // parsers read differently is refused (found by TokensFuzzTest)
    byte[] payload = java.nio.ByteBuffer.allocate(200).put(bytes("{\"")).put((byte) 0xff).put(bytes(claims))
        .flip().array();
    byte[] exact = java.util.Arrays.copyOf(payload, 3 + bytes(claims).length);
    assertThatThrownBy(() -> tokens.verify(HandMadeJwt.sign(header, exact, NEW.secret())).await())
        .isInstanceOf(io.mmaas.controlplane.errors.UnauthorizedException.class);
    byte[] badHeader = java.util.Arrays.copyOf(header, header.length + 1);
    badHeader[badHeader.length - 1] = (byte) 0xc3;
    assertThatThrownBy(() -> tokens.verify(HandMadeJwt.sign(badHeader, bytes("{\"" + claims), NEW.secret())).await())
        .isInstanceOf(io.mmaas.controlplane.errors.UnauthorizedException.class);
  }
}
