package io.mmaas.controlplane.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/** SQL for users. */
public final class UserRepository {
  private static final Function<Row, User> MAPPER = r -> new User(r.getUUID("id"), r.getUUID("tenant_id"),
      r.getString("username"), r.getString("password_hash"), Role.fromWire(r.getString("role")),
      r.getOffsetDateTime("disabled_at"), r.getOffsetDateTime("created_at"));

  public Future<User> findByUsername(SqlClient client, String username) {
    return client.preparedQuery("SELECT * FROM users WHERE username = $1").mapping(MAPPER)
        .execute(Tuple.of(username))
        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
  }

  public Future<Boolean> anyPlatformAdmin(SqlClient client) {
    return client.query("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'platform_admin') AS present").execute()
        .map(rows -> rows.iterator().next().getBoolean("present"));
  }

  public Future<User> insert(SqlClient client, User u) {
    return client.preparedQuery("""
            INSERT INTO users (id, tenant_id, username, password_hash, role, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6)""")
        .execute(Tuple.of(u.id(), u.tenantId(), u.username(), u.passwordHash(), u.role().wire(), u.createdAt()))
        .map(u);
  }

}
