package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.errors.UnauthorizedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Issues and checks the admin API's session tokens: HS256 JWTs. Several keys may be configured, each with a key id
 * ({@code kid}); the first signs, all verify, so a signing key can be rotated without signing everyone out. There is
 * no unsigned mode (configuration refuses to start without a key); the algorithm is pinned and {@code iss},
 * {@code aud}, {@code exp} and the session id are checked here explicitly, whatever the library's defaults.
 */
public final class Tokens {
  public static final String ISSUER = "mmaas-control-plane";
  public static final String AUDIENCE = "mmaas-admin-api";
  private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

  /** One HMAC key and its id. */
  public record SigningKey(String kid, byte[] secret) {
    @Override
    public String toString() {
      return "SigningKey[" + kid + "]";
    }
  }

  /** What a valid token says: whose session it is. */
  public record Verified(UUID userId, UUID sessionId) {
  }

  /** A signed token, and when it expires (epoch seconds). */
  public record Issued(String token, long expiresAtEpochSecond) {
  }

  private final JWTAuth jwt;
  private final String signingKid;
  private final int ttlSeconds;
  private final Clock clock;

  public Tokens(Vertx vertx, List<SigningKey> keys, int ttlSeconds, Clock clock) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one JWT signing key is required");
    }
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
    this.signingKid = keys.get(0).kid();
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setAlgorithm("HS256")
        .setIssuer(ISSUER).setAudience(List.of(AUDIENCE)));
    for (SigningKey k : keys) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setId(k.kid())
          .setBuffer(new String(k.secret(), StandardCharsets.UTF_8)));
    }
    this.jwt = JWTAuth.create(vertx, options);
  }

  public Issued issue(UUID userId, UUID sessionId) {
    long now = clock.instant().getEpochSecond();
    JsonObject claims = new JsonObject().put("sub", userId.toString()).put("sid", sessionId.toString());
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE)).setExpiresInSeconds(ttlSeconds)
        .setHeader(new JsonObject().put("kid", signingKid)));
    return new Issued(token, now + ttlSeconds);
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /**
   * Whether header and payload are base64url of valid UTF-8. The library's JSON parser reads some invalid bytes in
   * a key as if they were not there ({@code "\xffiss"} as {@code "iss"}); a token that two parsers read differently
   * is refused before either reads it.
   */
  private static boolean strictUtf8Parts(String token) {
    String[] parts = token.split("\\.", -1);
    try {
      for (int i = 0; i < 2; i++) {
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(URL_DECODER.decode(parts[i])));
      }
      return true;
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return false;
    }
  }

  /** Verifies signature (key chosen by kid), algorithm, issuer, audience and expiry. */
  public Future<Verified> verify(String token) {
    if (token.length() > 4096 || token.chars().filter(c -> c == '.').count() != 2 || !strictUtf8Parts(token)) {
      return Future.failedFuture(new UnauthorizedException("invalid token"));
    }
    Future<User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // the library reads claims with casts (a signed token whose "exp" is a string throws ClassCastException)
      authenticated = Future.failedFuture(e);
    }
    return authenticated
        .recover(e -> Future.failedFuture(new UnauthorizedException("invalid or expired token")))
        .compose(user -> {
          Object claims = user.attributes().getValue("accessToken");
          JsonObject p = claims instanceof JsonObject o ? o : new JsonObject();
          long now = clock.instant().getEpochSecond();
          Object aud = p.getValue("aud");
          boolean audOk = AUDIENCE.equals(aud) || (aud instanceof JsonArray a && a.contains(AUDIENCE));
          // claims are read by type, never cast: a token is signed by us, but its JSON is checked like any input
          Long exp = p.getValue("exp") instanceof Number n ? n.longValue() : null;
          String sub = p.getValue("sub") instanceof String v ? v : null;
          String sid = p.getValue("sid") instanceof String v ? v : null;
          if (!ISSUER.equals(p.getValue("iss")) || !audOk || exp == null || exp <= now || sub == null || sid == null) {
            return Future.failedFuture(new UnauthorizedException("invalid or expired token"));
          }
          try {
            return Future.succeededFuture(new Verified(UUID.fromString(sub), UUID.fromString(sid)));
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(new UnauthorizedException("invalid token"));
          }
        });
  }
}
