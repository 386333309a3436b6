package io.mmaas.controlplane.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** SQL for users. */
public final class UserRepository {
  private static final Function<Row, User> MAPPER = UserRepository::map;

  static User map(Row r) {
    return new User(r.getUUID("id"), r.getUUID("tenant_id"), r.getString("username"), r.getString("password_hash"),
        Role.fromWire(r.getString("role")), r.getOffsetDateTime("disabled_at"), r.getOffsetDateTime("created_at"));
  }

  public Future<User> findByUsername(SqlClient client, String username) {
    return one(client.preparedQuery("SELECT * FROM users WHERE username = $1").mapping(MAPPER)
        .execute(Tuple.of(username)));
  }

  public Future<User> findById(SqlClient client, UUID id) {
    return one(client.preparedQuery("SELECT * FROM users WHERE id = $1").mapping(MAPPER).execute(Tuple.of(id)));
  }

  public Future<Boolean> anyPlatformAdmin(SqlClient client) {
    return client.query("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'platform_admin') AS present").execute()
        .map(rows -> rows.iterator().next().getBoolean("present"));
  }

  /** Inserts the user; false when the username is taken (nothing inserted). */
  public Future<Boolean> tryInsert(SqlClient client, User u) {
    return client.preparedQuery("""
            INSERT INTO users (id, tenant_id, username, password_hash, role, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (username) DO NOTHING""")
        .execute(Tuple.of(u.id(), u.tenantId(), u.username(), u.passwordHash(), u.role().wire(), u.createdAt()))
        .map(rs -> rs.rowCount() == 1);
  }

  public Future<Void> setPassword(SqlClient client, UUID id, String hash, OffsetDateTime now) {
    return client.preparedQuery("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(id, hash, now)).mapEmpty();
  }

  public Future<Void> setDisabled(SqlClient client, UUID id, OffsetDateTime disabledAt, OffsetDateTime now) {
    return client.preparedQuery("UPDATE users SET disabled_at = $2, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(id, disabledAt, now)).mapEmpty();
  }

  /** A user with its tenant's name (null for platform-wide users), for listings. */
  public record Listed(User user, String tenantName) {
  }

  /** Users of one tenant (tenantId non-null) or of the whole platform (null), keyset-paged by (created_at, id). */
  public Future<List<Listed>> page(SqlClient client, UUID tenantId, int limit, OffsetDateTime afterCreated,
                                   UUID afterId) {
    StringBuilder sql = new StringBuilder("SELECT u.*, t.name AS tenant_name FROM users u "
        + "LEFT JOIN tenants t ON t.id = u.tenant_id WHERE ($1::uuid IS NULL OR u.tenant_id = $1)");
    Tuple args = Tuple.of(tenantId, limit);
    if (afterId != null) {
      sql.append(" AND (u.created_at, u.id) > ($3, $4)");
      args.addValue(afterCreated).addValue(afterId);
    }
    sql.append(" ORDER BY u.created_at, u.id LIMIT $2");
    return client.preparedQuery(sql.toString()).execute(args).map(rs -> {
      List<Listed> out = new ArrayList<>();
      rs.forEach(r -> out.add(new Listed(map(r), r.getString("tenant_name"))));
      return out;
    });
  }

  private static <T> Future<T> one(Future<io.vertx.sqlclient.RowSet<T>> rows) {
    return rows.map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }
}
