package io.mmaas.controlplane.gateway;

import io.mmaas.controlplane.keys.ApiKey;
import io.mmaas.controlplane.keys.ApiKeyFormat;
import io.mmaas.controlplane.keys.ApiKeyRepository;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks application API keys for the data plane without a database round trip per request. A malformed key is
 * refused from its format and checksum alone; a well-formed key's stored hash and state are cached for at most
 * {@code maxAgeMillis}, so a revocation or expiry takes effect within that time. When PostgreSQL cannot be reached,
 * the last known state is used, so deployed models keep serving.
 */
public final class KeyAuthenticator {
  /** The tenant and key an accepted request runs as. */
  public record Principal(UUID tenantId, ApiKey key) {
  }

  private record Entry(ApiKey key, boolean tenantActive, long loadedAtMillis) {
  }

  private final Pool pool;
  private final ApiKeyRepository keys;
  private final TenantRepository tenants;
  private final Clock clock;
  private final long maxAgeMillis;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

  public KeyAuthenticator(Pool pool, ApiKeyRepository keys, TenantRepository tenants, Clock clock, long maxAgeMillis) {
    this.pool = pool;
    this.keys = keys;
    this.tenants = tenants;
    this.clock = clock;
    this.maxAgeMillis = maxAgeMillis;
  }

  /** The principal for a presented key, or null when the key is not valid now. */
  public Future<Principal> authenticate(String presented) {
    ApiKeyFormat.Parsed parsed = ApiKeyFormat.parse(presented);
    if (parsed == null) {
      return Future.succeededFuture(null);
    }
    long now = clock.millis();
    Entry cached = cache.get(parsed.keyId());
    Future<Entry> entry = cached != null && now - cached.loadedAtMillis() < maxAgeMillis
        ? Future.succeededFuture(cached)
        : load(parsed.keyId(), now).recover(e -> cached != null ? Future.succeededFuture(cached) : Future.failedFuture(e));
    return entry.map(e -> check(e, parsed, clock.instant()));
  }

  private Future<Entry> load(String keyId, long now) {
    return keys.findByKeyId(pool, keyId).compose(key -> key == null
            ? Future.succeededFuture(new Entry(null, false, now))
            : tenants.findById(pool, key.tenantId()).map(t -> new Entry(key, t != null && "ACTIVE".equals(t.state()), now)))
        .onSuccess(e -> {
          if (cache.size() > 100_000) {
            cache.clear();
          }
          cache.put(keyId, e);
        });
  }

  private static Principal check(Entry e, ApiKeyFormat.Parsed parsed, Instant now) {
    if (e.key() == null || !e.tenantActive() || !e.key().usableAt(now)) {
      return null;
    }
    byte[] presented = ApiKeyFormat.hashSecret(parsed.secret());
    if (!MessageDigest.isEqual(presented, e.key().secretHash())) {
      return null;
    }
    return new Principal(e.key().tenantId(), e.key());
  }
}
