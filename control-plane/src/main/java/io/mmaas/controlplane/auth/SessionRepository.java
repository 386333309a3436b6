package io.mmaas.controlplane.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL for admin sessions. */
public final class SessionRepository {

  /** An open session and the current state of its user (role and tenant come from here, not from the token). */
  public record Live(UUID sessionId, User user) {
  }

  public Future<Void> insert(SqlClient client, UUID id, UUID userId, OffsetDateTime now, OffsetDateTime expires,
                             String sourceIp, String userAgent) {
    return client.preparedQuery("INSERT INTO sessions (id, user_id, created_at, expires_at, source_ip, user_agent) "
            + "VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(id, userId, now, expires, sourceIp, userAgent)).mapEmpty();
  }

  /** The session when it is open and its user enabled; null otherwise. */
  public Future<Live> live(SqlClient client, UUID sessionId, UUID userId, OffsetDateTime now) {
    return client.preparedQuery("""
            SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3
              AND u.disabled_at IS NULL""")
        .execute(Tuple.of(sessionId, userId, now))
        .map(rs -> {
          if (!rs.iterator().hasNext()) {
            return null;
          }
          Row r = rs.iterator().next();
          return new Live(sessionId, UserRepository.map(r));
        });
  }

  public Future<Integer> revoke(SqlClient client, UUID sessionId, OffsetDateTime now) {
    return client.preparedQuery("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(sessionId, now)).map(rs -> rs.rowCount());
  }

  /** Ends every open session of the user except {@code keep} (may be null); yields how many were ended. */
  public Future<Integer> revokeAllOf(SqlClient client, UUID userId, UUID keep, OffsetDateTime now) {
    return client.preparedQuery("UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL "
            + "AND id IS DISTINCT FROM $3")
        .execute(Tuple.of(userId, now, keep)).map(rs -> rs.rowCount());
  }
}
