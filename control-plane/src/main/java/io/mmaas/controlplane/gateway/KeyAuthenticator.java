package io.mmaas.controlplane.gateway;

import io.mmaas.controlplane.keys.ApiKey;
import io.mmaas.controlplane.keys.ApiKeyFormat;
import io.mmaas.controlplane.keys.ApiKeyRepository;
import io.mmaas.controlplane.quotas.Quota;
import io.mmaas.controlplane.quotas.QuotaRepository;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks application API keys for the data plane without a database round trip per request. A malformed key is
 * refused from its format and checksum alone; a well-formed key's stored hash and state are cached. Changes reach the
 * cache through PostgreSQL notifications ({@link #evict}); as a safety net an entry is reloaded after
 * {@code listeningMaxAgeMillis} while notifications flow, and after {@code fallbackMaxAgeMillis} (≤ 1 s) while they
 * do not, so a revocation or expiry takes effect within a second on every replica either way. {@code last_used_at}
 * is written in batches, not per request.
 *
 * <p>Static stability: when PostgreSQL cannot be reached (a load failed more recently than one succeeded), a known
 * key is checked against its last known state at once (hash, tenant state, expiry and revocation as last seen;
 * scopes and allow-lists are the caller's, from the principal) and reloaded in the background at most once a
 * second; an unknown key fails, which the gateway answers with 503, not 401. Losing the notification connection
 * keeps the cache; when it is back (LISTEN again, then "*"), every entry is revalidated on its next use, so
 * revocations made meanwhile apply from the first request after reconnecting. The trade-off: a revocation cannot
 * reach a gateway that cannot reach the database.
 */
public final class KeyAuthenticator {
  /** The tenant and key an accepted request runs as. */
  public record Principal(UUID tenantId, ApiKey key, Quota quota) {
  }

  private record Entry(ApiKey key, boolean tenantActive, Quota quota, long loadedAtMillis, long epoch) {
  }

  private final Pool pool;
  private final ApiKeyRepository keys;
  private final TenantRepository tenants;
  private final QuotaRepository quotas;
  private final Clock clock;
  private final long fallbackMaxAgeMillis;
  private final long listeningMaxAgeMillis;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<UUID, Instant> used = new ConcurrentHashMap<>();
  private volatile boolean listening;
  /** Bumped by every eviction: a load that overlapped one may hold what was just changed, so it is not cached. */
  private final java.util.concurrent.atomic.AtomicLong evictions = new java.util.concurrent.atomic.AtomicLong();
  /** Entries loaded before the current epoch are revalidated on their next use ("*": anything may have changed). */
  private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();
  private volatile long lastLoadOkMillis;
  private volatile long lastLoadFailedMillis = -1;
  private final ConcurrentHashMap<String, Long> backgroundLoads = new ConcurrentHashMap<>();

  public KeyAuthenticator(Pool pool, ApiKeyRepository keys, TenantRepository tenants, QuotaRepository quotas,
                          Clock clock, long fallbackMaxAgeMillis, long listeningMaxAgeMillis) {
    this.quotas = quotas;
    this.pool = pool;
    this.keys = keys;
    this.tenants = tenants;
    this.clock = clock;
    this.fallbackMaxAgeMillis = fallbackMaxAgeMillis;
    this.listeningMaxAgeMillis = listeningMaxAgeMillis;
  }

  /** The principal for a presented key, or null when the key is not valid now. */
  public Future<Principal> authenticate(String presented) {
    ApiKeyFormat.Parsed parsed = ApiKeyFormat.parse(presented);
    if (parsed == null) {
      return Future.succeededFuture(null);
    }
    long now = clock.millis();
    long maxAge = listening ? listeningMaxAgeMillis : fallbackMaxAgeMillis;
    Entry cached = cache.get(parsed.keyId());
    Future<Entry> entry;
    if (cached != null && cached.epoch() == epoch.get() && now - cached.loadedAtMillis() < maxAge) {
      entry = Future.succeededFuture(cached);
    } else if (cached != null && databaseDown()) {
      reloadInBackground(parsed.keyId(), now); // the last known state answers now; no wait on a dead database
      entry = Future.succeededFuture(cached);
    } else {
      entry = load(parsed.keyId(), now)
          .recover(e -> cached != null ? Future.succeededFuture(cached) : Future.failedFuture(e));
    }
    return entry.map(e -> {
      Principal p = check(e, parsed, clock.instant());
      if (p != null) {
        used.put(p.key().id(), clock.instant());
      }
      return p;
    });
  }

  /** Keys whose state is cached (for metrics). */
  public long cached() {
    return cache.size();
  }

  /**
   * Notifications: a key changed (by key id), or everything of a tenant changed ("tenant:" + id), or unknown ("*":
   * every entry is revalidated on its next use, and kept as the last known state should the database fail).
   */
  public void evict(String what) {
    evictions.incrementAndGet();
    if (what == null || what.equals("*")) {
      epoch.incrementAndGet();
    } else if (what.startsWith("tenant:")) {
      UUID tenant = UUID.fromString(what.substring(7));
      cache.values().removeIf(e -> e.key() != null && e.key().tenantId().equals(tenant));
    } else {
      cache.remove(what);
    }
  }

  /**
   * Whether change notifications are flowing (the listener connection is up). Losing them keeps the cache (entries
   * are then reloaded after the short fallback age, or kept as they are while the database is down); being back
   * means the database answers.
   */
  public void listening(boolean up) {
    evictions.incrementAndGet(); // a lost connection may have missed announcements: loads in flight are not kept
    if (up) {
      lastLoadOkMillis = clock.millis();
    }
    this.listening = up;
  }

  /** Whether the last database load failed (more recently than any succeeded). */
  public boolean databaseDown() {
    return lastLoadFailedMillis >= lastLoadOkMillis;
  }

  private void reloadInBackground(String keyId, long now) {
    Long previous = backgroundLoads.get(keyId);
    if (previous != null && now - previous < 1_000) {
      return;
    }
    if (backgroundLoads.size() > 100_000) {
      backgroundLoads.clear();
    }
    backgroundLoads.put(keyId, now);
    load(keyId, now).onComplete(x -> { });
  }

  /** Writes the last-use times gathered since the previous flush in one statement. */
  public Future<Void> flushLastUsed() {
    if (used.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UUID> ids = new ArrayList<>();
    List<java.time.OffsetDateTime> times = new ArrayList<>();
    for (Map.Entry<UUID, Instant> e : used.entrySet()) {
      if (used.remove(e.getKey(), e.getValue())) {
        ids.add(e.getKey());
        times.add(e.getValue().atOffset(ZoneOffset.UTC));
      }
    }
    return pool.preparedQuery("""
            UPDATE api_keys k SET last_used_at = v.t
            FROM (SELECT unnest($1::uuid[]) AS id, unnest($2::timestamptz[]) AS t) v
            WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.t)""")
        .execute(Tuple.tuple().addValue(ids.toArray(UUID[]::new))
            .addValue(times.toArray(java.time.OffsetDateTime[]::new))).mapEmpty();
  }

  private Future<Entry> load(String keyId, long now) {
    long before = evictions.get();
    long at = epoch.get();
    return keys.findByKeyId(pool, keyId).compose(key -> key == null
            ? Future.succeededFuture(new Entry(null, false, null, now, at))
            : tenants.findById(pool, key.tenantId()).compose(t -> quotas.find(pool, key.tenantId())
                .map(q -> new Entry(key, t != null && "ACTIVE".equals(t.state()) && q != null, q, now, at))))
        .onFailure(e -> lastLoadFailedMillis = clock.millis())
        .onSuccess(e -> {
          lastLoadOkMillis = clock.millis();
          if (cache.size() > 100_000) {
            cache.clear();
          }
          // a change announced while this load ran may have come after its reads: serve this request with what was
          // read (it began before the change), but do not keep it, or a revoked key could live on for maxAge
          // (put, then check: an eviction after the check finds the entry; one before it makes us take it back)
          cache.put(keyId, e);
          if (evictions.get() != before) {
            cache.remove(keyId, e);
          }
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
    return new Principal(e.key().tenantId(), e.key(), e.quota());
  }
}
