package io.mmaas.controlplane.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads the audit log: filtered keyset pages (newest first) and ordered runs of events for verification. */
public final class AuditRepository {
  private static final Function<Row, AuditEvent> MAPPER = AuditRepository::map;

  private final Pool pool;

  public AuditRepository(Pool pool) {
    this.pool = pool;
  }

  /** Filters; null means "any". {@code beforeSeq} is the keyset cursor. */
  public record Filter(UUID tenantId, String action, String outcome, String actorId, Long beforeSeq) {
  }

  public Future<List<AuditEvent>> page(Filter f, int limit) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder("TRUE");
    if (f.tenantId() != null) {
      args.add(f.tenantId());
      where.append(" AND tenant_id = $").append(args.size());
    }
    if (f.action() != null) {
      args.add(f.action());
      where.append(" AND action = $").append(args.size());
    }
    if (f.outcome() != null) {
      args.add(f.outcome());
      where.append(" AND outcome = $").append(args.size());
    }
    if (f.actorId() != null) {
      args.add(f.actorId());
      where.append(" AND actor_id = $").append(args.size());
    }
    if (f.beforeSeq() != null) {
      args.add(f.beforeSeq());
      where.append(" AND seq < $").append(args.size());
    }
    args.add(limit);
    return pool.preparedQuery("SELECT * FROM audit_events WHERE " + where + " ORDER BY seq DESC LIMIT $" + args.size())
        .mapping(MAPPER)
        .execute(Tuple.from(args))
        .map(rows -> {
          List<AuditEvent> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  /** Events with seq > afterSeq in chain order, at most {@code limit}. */
  public Future<List<AuditEvent>> run(long afterSeq, int limit) {
    return pool.preparedQuery("SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2")
        .mapping(MAPPER)
        .execute(Tuple.of(afterSeq, limit))
        .map(rows -> {
          List<AuditEvent> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  private static AuditEvent map(Row r) {
    return new AuditEvent(r.getLong("seq"), r.getUUID("id"), r.getOffsetDateTime("occurred_at").toInstant(),
        r.getString("actor_type"), r.getString("actor_id"), r.getString("actor_name"), r.getUUID("tenant_id"),
        r.getString("action"), r.getString("target_type"), r.getString("target_id"), r.getString("outcome"),
        r.getString("source_ip"), r.getString("user_agent"), r.getString("request_id"), r.getString("details"),
        r.getString("prev_hash"), r.getString("hash"));
  }
}
