package io.mmaas.controlplane.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the audit log: filtered keyset pages (newest first), ordered runs of events for verification, and the SQL
 * of a filtered export (oldest first) for a cursor. Every filter has an index ending in seq; a time range becomes a
 * seq range (time never goes backwards along the chain), so each page is one index range read.
 */
public final class AuditRepository {
  static final Function<Row, AuditEvent> MAPPER = AuditRepository::map;
  private static final String SEQ_AT = "COALESCE((SELECT seq FROM audit_events WHERE occurred_at >= $%d "
      + "ORDER BY occurred_at, seq LIMIT 1), 9223372036854775807)";

  private final Pool pool;

  public AuditRepository(Pool pool) {
    this.pool = pool;
  }

  /** The filter shape {@code AccessPolicy.scopeAuditFilter} narrows; null means "any". */
  public record Filter(java.util.UUID tenantId, String action, String outcome, String actorId, Long beforeSeq) {
  }

  /** A statement and its arguments. */
  record Sql(String text, Tuple args) {
  }

  public Future<List<AuditEvent>> page(AuditQuery q, int limit) {
    Sql sql = select(q, false, limit);
    return pool.preparedQuery(sql.text()).mapping(MAPPER).execute(sql.args()).map(AuditRepository::list);
  }

  /** Events with seq > afterSeq in chain order, at most {@code limit}. */
  public Future<List<AuditEvent>> run(long afterSeq, int limit) {
    return pool.preparedQuery("SELECT * FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2")
        .mapping(MAPPER)
        .execute(Tuple.of(afterSeq, limit))
        .map(AuditRepository::list);
  }

  /** The filtered query in chain order ({@code ascending}) or newest first, optionally limited. */
  static Sql select(AuditQuery q, boolean ascending, Integer limit) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder("TRUE");
    equal(where, args, "tenant_id", q.tenantId());
    equal(where, args, "actor_id", q.actorId());
    equal(where, args, "action", q.action());
    equal(where, args, "target_type", q.targetType());
    equal(where, args, "target_id", q.targetId());
    equal(where, args, "outcome", q.outcome());
    if (q.from() != null) {
      args.add(q.from().atOffset(ZoneOffset.UTC));
      where.append(" AND seq >= ").append(String.format(SEQ_AT, args.size()))
          .append(" AND occurred_at >= $").append(args.size());
    }
    if (q.to() != null) {
      args.add(q.to().atOffset(ZoneOffset.UTC));
      where.append(" AND seq < ").append(String.format(SEQ_AT, args.size()))
          .append(" AND occurred_at < $").append(args.size());
    }
    if (q.afterSeq() != null) {
      args.add(q.afterSeq());
      where.append(" AND seq > $").append(args.size());
    }
    if (q.beforeSeq() != null) {
      args.add(q.beforeSeq());
      where.append(" AND seq < $").append(args.size());
    }
    StringBuilder text = new StringBuilder("SELECT * FROM audit_events WHERE ").append(where)
        .append(" ORDER BY seq").append(ascending ? "" : " DESC");
    if (limit != null) {
      args.add(limit);
      text.append(" LIMIT $").append(args.size());
    }
    return new Sql(text.toString(), Tuple.from(args));
  }

  private static void equal(StringBuilder where, List<Object> args, String column, Object value) {
    if (value != null) {
      args.add(value);
      where.append(" AND ").append(column).append(" = $").append(args.size());
    }
  }

  private static List<AuditEvent> list(Iterable<AuditEvent> rows) {
    List<AuditEvent> out = new ArrayList<>();
    rows.forEach(out::add);
    return out;
  }

  static AuditEvent map(Row r) {
    return new AuditEvent(r.getLong("seq"), r.getUUID("id"), r.getOffsetDateTime("occurred_at").toInstant(),
        r.getString("actor_type"), r.getString("actor_id"), r.getString("actor_name"), r.getUUID("tenant_id"),
        r.getString("action"), r.getString("target_type"), r.getString("target_id"), r.getString("outcome"),
        r.getString("source_ip"), r.getString("user_agent"), r.getString("request_id"), r.getString("details"),
        r.getString("prev_hash"), r.getString("hash"));
  }
}
