package io.mmaas.controlplane.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The SQL of audit checkpoints: the latest one, an ordered range, and appending a new one. */
public final class CheckpointRepository {
  private static final Function<Row, AuditCheckpoint> MAPPER = r -> new AuditCheckpoint(r.getLong("seq"),
      r.getString("hash"), r.getOffsetDateTime("created_at").toInstant(), r.getString("key_id"),
      r.getString("signature"));

  /** The chain head as committed now: (seq, hash), or null for an empty log. */
  public record Head(long seq, String hash) {
  }

  public Future<Head> head(SqlClient client) {
    return client.query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").execute()
        .map(rows -> rows.size() == 0 ? null
            : new Head(rows.iterator().next().getLong("seq"), rows.iterator().next().getString("hash")));
  }

  public Future<AuditCheckpoint> latest(SqlClient client) {
    return client.query("SELECT * FROM audit_checkpoints ORDER BY seq DESC LIMIT 1").mapping(MAPPER).execute()
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Checkpoints with seq > afterSeq in order, at most {@code limit}. */
  public Future<List<AuditCheckpoint>> after(SqlClient client, long afterSeq, int limit) {
    return client.preparedQuery("SELECT * FROM audit_checkpoints WHERE seq > $1 ORDER BY seq LIMIT $2").mapping(MAPPER)
        .execute(Tuple.of(afterSeq, limit))
        .map(rows -> {
          List<AuditCheckpoint> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  public Future<Void> insert(SqlClient client, AuditCheckpoint c) {
    return client.preparedQuery(
            "INSERT INTO audit_checkpoints (seq, hash, created_at, key_id, signature) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(c.seq(), c.hash(), c.createdAt().atOffset(ZoneOffset.UTC), c.keyId(), c.signature()))
        .mapEmpty();
  }
}
