package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.auth.Caller;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Appends audit events inside the caller's transaction, so the event and the change commit or roll back together.
 * Writers serialise on a transaction-scoped advisory lock, take the chain head, and insert the next event whose hash
 * covers its content and the previous hash: the chain cannot fork, and an edit, deletion or reordering shows.
 * Time never goes backwards along the chain (a replica whose clock lags takes the head's time), which lets a time
 * range be read as a seq range. Secrets are scrubbed on the way in (see {@link SecretScrubber}).
 */
public final class AuditWriter {
  /** Lock id for the audit chain (any constant unique to this purpose). */
  private static final long CHAIN_LOCK = 0x6d6d616173_01L;
  public static final String GENESIS = "0".repeat(64);

  private final Clock clock;
  private final SecretScrubber scrubber;

  /** A writer whose anonymous-name fingerprints are stable for this process only (tests, tools). */
  public AuditWriter(Clock clock) {
    this(clock, randomKey());
  }

  /** A writer whose anonymous-name fingerprints use {@code fingerprintKey} (stable across restarts and replicas). */
  public AuditWriter(Clock clock, byte[] fingerprintKey) {
    this.clock = clock;
    this.scrubber = new SecretScrubber(fingerprintKey);
  }

  /** Appends one event in the transaction that {@code conn} is in. */
  public Future<AuditEvent> append(SqlConnection conn, Caller caller, AuditRecord record) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(CHAIN_LOCK))
        .compose(v -> conn.query("SELECT seq, hash, occurred_at FROM audit_events ORDER BY seq DESC LIMIT 1").execute())
        .compose(rows -> {
          Row head = rows.iterator().hasNext() ? rows.iterator().next() : null;
          long seq = head == null ? 1 : head.getLong("seq") + 1;
          String prev = head == null ? GENESIS : head.getString("hash");
          Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
          if (head != null && now.isBefore(head.getOffsetDateTime("occurred_at").toInstant())) {
            now = head.getOffsetDateTime("occurred_at").toInstant();
          }
          boolean anonymous = "anonymous".equals(caller.actor().type());
          AuditEvent unsigned = new AuditEvent(seq, UUID.randomUUID(), now,
              caller.actor().type(), caller.actor().id(),
              anonymous ? scrubber.anonymousName(caller.actor().name()) : scrubber.text(caller.actor().name()),
              record.tenantId(), record.action(), record.targetType(), scrubber.text(record.targetId()),
              record.outcome(), caller.sourceIp(), scrubber.text(caller.userAgent()), scrubber.text(caller.requestId()),
              CanonicalJson.encode(scrubber.details(record.details())), prev, null);
          AuditEvent event = withHash(unsigned);
          return conn.preparedQuery("""
                  INSERT INTO audit_events (seq, id, occurred_at, actor_type, actor_id, actor_name, tenant_id, action,
                    target_type, target_id, outcome, source_ip, user_agent, request_id, details, prev_hash, hash)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)""")
              .execute(Tuple.from(new Object[] {event.seq(), event.id(), event.occurredAt().atOffset(ZoneOffset.UTC),
                  event.actorType(), event.actorId(), event.actorName(), event.tenantId(), event.action(),
                  event.targetType(), event.targetId(), event.outcome(), event.sourceIp(), event.userAgent(),
                  event.requestId(), event.details(), event.prevHash(), event.hash()}))
              .map(event);
        });
  }

  /** Appends one event in a transaction of its own (sign-in failures, denials: there is no change to join). */
  public Future<AuditEvent> appendAlone(Pool pool, Caller caller, AuditRecord record) {
    return pool.withTransaction(conn -> append(conn, caller, record));
  }

  static AuditEvent withHash(AuditEvent e) {
    return new AuditEvent(e.seq(), e.id(), e.occurredAt(), e.actorType(), e.actorId(), e.actorName(), e.tenantId(),
        e.action(), e.targetType(), e.targetId(), e.outcome(), e.sourceIp(), e.userAgent(), e.requestId(), e.details(),
        e.prevHash(), sha256(e.canonical()));
  }

  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] randomKey() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
