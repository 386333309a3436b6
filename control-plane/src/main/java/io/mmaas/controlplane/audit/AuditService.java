package io.mmaas.controlplane.audit;

import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.Caller;
import io.mmaas.controlplane.http.RowStreamer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reading, exporting and verifying the audit log. Platform admins and platform auditors see everything; a
 * tenant-scoped caller sees only its tenant's events (the policy narrows the filter, it is never widened by the
 * caller). Every access is itself audited, before any event is shown: if that write fails, nothing is shown.
 */
public final class AuditService {
  private static final int VERIFY_BATCH = 5_000;

  /** Export formats: JSON Lines (the verifiable form) and CSV (for spreadsheets). */
  public enum Format { JSONL, CSV }

  private final Vertx vertx;
  private final Pool pool;
  private final AuditRepository repository;
  private final CheckpointRepository checkpoints;
  private final AccessPolicy policy;
  private final AuditWriter writer;
  private final List<AuditPublicKey> trustedKeys;

  public AuditService(Vertx vertx, Pool pool, AuditRepository repository, CheckpointRepository checkpoints,
                      AccessPolicy policy, AuditWriter writer, List<AuditPublicKey> trustedKeys) {
    this.vertx = vertx;
    this.pool = pool;
    this.repository = repository;
    this.checkpoints = checkpoints;
    this.policy = policy;
    this.writer = writer;
    this.trustedKeys = List.copyOf(trustedKeys);
  }

  /** A newest-first page of at most {@code limit} events (the handler asks for one more to see if there is a next). */
  public Future<List<AuditEvent>> page(Caller caller, AuditQuery query, int limit) {
    AuditQuery scoped = scope(caller, query);
    return access(caller, scoped, "audit.list", new JsonObject().put("filter", scoped.toJson()).put("limit", limit))
        .compose(v -> repository.page(scoped, limit));
  }

  /**
   * Streams the matching events in chain order into the stream that {@code open} returns; {@code open} is called only
   * once the access is audited, so a refused export is still an ordinary error response. Yields the row count.
   */
  public Future<Long> export(Caller caller, AuditQuery query, Format format, Supplier<WriteStream<Buffer>> open) {
    AuditQuery scoped = scope(caller, query);
    AuditRepository.Sql sql = AuditRepository.select(scoped, true, null);
    return access(caller, scoped, "audit.export", new JsonObject().put("filter", scoped.toJson())
        .put("format", format.name().toLowerCase()))
        .compose(v -> RowStreamer.stream(pool, sql.text(), sql.args(),
            format == Format.CSV ? AuditEvent.CSV_HEADER : null,
            format == Format.CSV ? row -> AuditRepository.map(row).toCsvRow()
                : row -> AuditRepository.map(row).toExportJson().encode() + "\n", open.get()));
  }

  /** Streams the signed checkpoints with seq > afterSeq as JSON Lines (what the offline verifier reads). */
  public Future<Long> exportCheckpoints(Caller caller, long afterSeq, Supplier<WriteStream<Buffer>> open) {
    policy.requirePlatformAuditRead(caller);
    return access(caller, null, "audit.checkpoints_export", new JsonObject().put("afterSeq", afterSeq))
        .compose(v -> RowStreamer.stream(pool, "SELECT * FROM audit_checkpoints WHERE seq > $1 ORDER BY seq",
            Tuple.of(afterSeq), null, row -> new AuditCheckpoint(row.getLong("seq"), row.getString("hash"),
                row.getOffsetDateTime("created_at").toInstant(), row.getString("key_id"),
                row.getString("signature")).toJson().encode() + "\n", open.get()));
  }

  /**
   * Walks the whole chain in order against the signed checkpoints; the result names the first broken event, if any.
   * The verification is audited with its verdict.
   */
  public Future<JsonObject> verify(Caller caller) {
    policy.requirePlatformAuditRead(caller);
    return allCheckpoints(0, new ArrayList<>())
        .compose(signed -> {
          ChainVerifier verifier = new ChainVerifier(signed, trustedKeys);
          return walk(verifier, repository.run(0, VERIFY_BATCH)).map(v -> verifier.result());
        })
        .compose(result -> access(caller, null, "audit.verify", new JsonObject()
            .put("valid", result.getBoolean("valid")).put("checked", result.getLong("checked"))
            .put("firstBrokenSeq", result.getLong("firstBrokenSeq"))).map(result));
  }

  /**
   * Checks the chain batch by batch (the next batch is fetched while this one is hashed). Driven by one promise and
   * plain callbacks rather than a nested compose chain, so a finished batch is garbage as soon as it is checked and
   * memory stays flat however long the log is.
   */
  private Future<Void> walk(ChainVerifier verifier, Future<List<AuditEvent>> first) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    step(verifier, first, done);
    return done.future();
  }

  private void step(ChainVerifier verifier, Future<List<AuditEvent>> batch, io.vertx.core.Promise<Void> done) {
    batch.onFailure(done::fail).onSuccess(events -> {
      if (events.isEmpty()) {
        done.complete();
        return;
      }
      long last = events.get(events.size() - 1).seq();
      Future<List<AuditEvent>> next = events.size() < VERIFY_BATCH ? Future.succeededFuture(List.of())
          : repository.run(last, VERIFY_BATCH);   // fetched while this batch is hashed
      vertx.executeBlocking(() -> events.stream().allMatch(verifier::accept), true)
          .onFailure(done::fail)
          .onSuccess(ok -> {
            if (ok) {
              step(verifier, next, done);
            } else {
              next.onComplete(x -> done.complete());
            }
          });
    });
  }

  private Future<List<AuditCheckpoint>> allCheckpoints(long afterSeq, List<AuditCheckpoint> into) {
    return checkpoints.after(pool, afterSeq, 10_000).compose(page -> {
      into.addAll(page);
      return page.size() < 10_000 ? Future.succeededFuture(into) : allCheckpoints(page.get(page.size() - 1).seq(), into);
    });
  }

  private AuditQuery scope(Caller caller, AuditQuery query) {
    UUID tenant = policy.scopeAuditFilter(caller, query.asFilter()).tenantId();
    return query.withTenant(tenant);
  }

  /** Audits an access to the audit log in a transaction of its own; the access goes ahead only once it committed. */
  private Future<Void> access(Caller caller, AuditQuery scoped, String action, JsonObject details) {
    UUID tenant = scoped == null ? null : scoped.tenantId();
    return writer.appendAlone(pool, caller, AuditRecord.success(action, tenant, "audit_log", null, details)).mapEmpty();
  }
}
