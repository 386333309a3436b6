package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.errors.UnauthorizedException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Issues and checks the admin API's session tokens: HS256 JWTs signed with the configured secret (there is no
 * unsigned mode: configuration refuses to start without a secret). The algorithm is pinned and {@code iss},
 * {@code aud} and {@code exp} are checked here explicitly, whatever the library's defaults.
 */
public final class Tokens {
  public static final String ISSUER = "mmaas-control-plane";
  public static final String AUDIENCE = "mmaas-admin-api";
  private static final String KID = "k1";

  private final JWTAuth jwt;
  private final int ttlSeconds;
  private final Clock clock;

  public Tokens(Vertx vertx, byte[] secret, int ttlSeconds, Clock clock) {
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
    JWTOptions options = new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER).setAudience(List.of(AUDIENCE))
        .setExpiresInSeconds(ttlSeconds);
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setId(KID)
            .setBuffer(new String(secret, StandardCharsets.UTF_8)))
        .setJWTOptions(options));
  }

  /** A signed token for the user, and when it expires (epoch seconds). */
  public record Issued(String token, long expiresAtEpochSecond) {
  }

  public Issued issue(UUID userId, String username, Role role, UUID tenantId) {
    long now = clock.instant().getEpochSecond();
    JsonObject claims = new JsonObject()
        .put("sub", userId.toString())
        .put("name", username)
        .put("role", role.wire())
        .put("tid", tenantId == null ? null : tenantId.toString())
        .put("jti", UUID.randomUUID().toString());
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE)).setExpiresInSeconds(ttlSeconds).setHeader(new JsonObject().put("kid", KID)));
    return new Issued(token, now + ttlSeconds);
  }

  /** Verifies signature, algorithm, issuer, audience and expiry; yields the actor the token names. */
  public Future<Actor> verify(String token) {
    if (token.chars().filter(c -> c == '.').count() != 2) {
      return Future.failedFuture(new UnauthorizedException("invalid token"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(new UnauthorizedException("invalid or expired token")))
        .compose(user -> {
          JsonObject p = user.attributes().getJsonObject("accessToken", new JsonObject());
          long now = clock.instant().getEpochSecond();
          Object aud = p.getValue("aud");
          boolean audOk = AUDIENCE.equals(aud) || (aud instanceof JsonArray a && a.contains(AUDIENCE));
          Long exp = p.getLong("exp");
          if (!ISSUER.equals(p.getString("iss")) || !audOk || exp == null || exp <= now || p.getString("sub") == null) {
            return Future.failedFuture(new UnauthorizedException("invalid or expired token"));
          }
          String tid = p.getString("tid");
          return Future.succeededFuture(Actor.user(UUID.fromString(p.getString("sub")), p.getString("name"),
              Role.fromWire(p.getString("role")), tid == null ? null : UUID.fromString(tid)));
        });
  }
}
