package io.mmaas.controlplane.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmaas.controlplane.errors.UnauthorizedException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target: the admin API's session-token verification ({@link Tokens#verify}). The first byte says what the rest
 * is: {@code r} a raw token; {@code s}, {@code p} and {@code o} a JWT header and payload (split at the first newline)
 * that the target signs with HS256 under the signing key, the second (rotated) key and a key the verifier does not
 * know, so the fuzzer reaches the claim checks behind the signature. Contract: a verified session only for a token
 * signed by a configured key with HS256 whose iss, aud, exp (a number in the future), sub and sid (UUIDs) are right;
 * everything else fails with {@link UnauthorizedException} (401) — never another exception (a 500) or a hang.
 *
 * <p>Seeds replay in every test run; {@code JAZZER_FUZZ=1} fuzzes ({@code bench/fuzz.sh}).
 */
@DisplayName("Fuzzing: session tokens verify or fail with UnauthorizedException")
class TokensFuzzTest {
  private static final byte[] SIGNING = "fuzz-signing-key-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ROTATED = "fuzz-rotated-key-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
  private static final byte[] UNKNOWN = "fuzz-unknown-key-0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
  private static final String DEFAULT_HEADER = "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}";
  private static Vertx vertx;
  private static Tokens tokens;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    tokens = new Tokens(vertx, List.of(new Tokens.SigningKey("k1", SIGNING), new Tokens.SigningKey("k0", ROTATED)),
        600, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @FuzzTest(maxDuration = "10m")
  void verify(byte[] input) throws InterruptedException {
    if (input.length == 0) {
      return;
    }
    byte mode = input[0];
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    String token = switch (mode) {
      case 's' -> signed(rest, SIGNING);
      case 'p' -> signed(rest, ROTATED);
      case 'o' -> signed(rest, UNKNOWN);
      default -> new String(rest, StandardCharsets.UTF_8);
    };
    Tokens.Verified verified;
    try {
      verified = tokens.verify(token).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(UnauthorizedException.class);
      return;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("verification did not finish in 10 s", e);
    }
    assertThat(mode).as("only tokens signed by a configured key verify").isNotEqualTo((byte) 'o');
    checkClaims(token, verified);
  }

  /** The claims of a token that verified meet every rule, read independently of the verifier. */
  private static void checkClaims(String token, Tokens.Verified verified) {
    String[] parts = token.split("\\.", -1);
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    assertThat(header.getValue("alg")).isEqualTo("HS256");
    assertThat(claims.getValue("iss")).isEqualTo(Tokens.ISSUER);
    Object aud = claims.getValue("aud");
    assertThat(Tokens.AUDIENCE.equals(aud) || (aud instanceof JsonArray a && a.contains(Tokens.AUDIENCE))).isTrue();
    assertThat(claims.getValue("exp")).isInstanceOf(Number.class);
    assertThat(((Number) claims.getValue("exp")).longValue()).isGreaterThan(Clock.systemUTC().instant().getEpochSecond() - 5);
    assertThat(verified.userId()).isEqualTo(UUID.fromString(claims.getString("sub")));
    assertThat(verified.sessionId()).isEqualTo(UUID.fromString(claims.getString("sid")));
  }

  private static String signed(byte[] rest, byte[] key) {
    int newline = -1;
    for (int i = 0; i < rest.length && newline < 0; i++) {
      newline = rest[i] == '\n' ? i : -1;
    }
    byte[] header = newline < 0 ? DEFAULT_HEADER.getBytes(StandardCharsets.UTF_8) : Arrays.copyOf(rest, newline);
    byte[] payload = newline < 0 ? rest : Arrays.copyOfRange(rest, newline + 1, rest.length);
    return HandMadeJwt.sign(header, payload, key);
  }
}
