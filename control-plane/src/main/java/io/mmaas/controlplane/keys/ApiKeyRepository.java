package io.mmaas.controlplane.keys;

import io.mmaas.controlplane.http.Pages;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** SQL for API keys. */
public final class ApiKeyRepository {
  private static final Function<Row, ApiKey> MAPPER = r -> new ApiKey(r.getUUID("id"), r.getUUID("tenant_id"),
      r.getString("key_id"), r.getString("name"), r.getString("prefix"), r.getBuffer("secret_hash").getBytes(),
      Arrays.asList(r.getArrayOfStrings("scopes")),
      r.getArrayOfStrings("model_allow_list") == null ? null : Arrays.asList(r.getArrayOfStrings("model_allow_list")),
      r.getOffsetDateTime("expires_at"), r.getOffsetDateTime("revoked_at"), r.getOffsetDateTime("last_used_at"),
      r.getOffsetDateTime("created_at"), r.getInteger("rate_limit_rps"), r.getInteger("rate_limit_burst"),
      r.getInteger("max_concurrent"));

  public Future<Void> insert(SqlClient client, ApiKey k, UUID createdBy) {
    return insert(client, k, createdBy, null);
  }

  public Future<Void> insert(SqlClient client, ApiKey k, UUID createdBy, UUID rotatedFrom) {
    return client.preparedQuery("""
            INSERT INTO api_keys (id, tenant_id, key_id, name, prefix, secret_hash, scopes, model_allow_list,
              expires_at, created_by, created_at, rotated_from, rate_limit_rps, rate_limit_burst, max_concurrent)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""")
        .execute(Tuple.from(new Object[] {k.id(), k.tenantId(), k.keyId(), k.name(), k.prefix(),
            io.vertx.core.buffer.Buffer.buffer(k.secretHash()), k.scopes().toArray(String[]::new),
            k.modelAllowList() == null ? null : k.modelAllowList().toArray(String[]::new), k.expiresAt(), createdBy,
            k.createdAt(), rotatedFrom, k.rateLimitRps(), k.rateLimitBurst(), k.maxConcurrent()}))
        .mapEmpty();
  }

  /** Announces a change of this key to every control-plane replica (delivered when the transaction commits). */
  public Future<Void> announce(SqlClient client, String payload) {
    return io.mmaas.controlplane.gateway.ChangeListener.announce(client, payload);
  }

  public Future<Void> expireAt(SqlClient client, UUID id, OffsetDateTime at) {
    return client.preparedQuery("UPDATE api_keys SET expires_at = $2 WHERE id = $1").execute(Tuple.of(id, at))
        .mapEmpty();
  }

  public Future<ApiKey> findByKeyId(SqlClient client, String keyId) {
    return one(client.preparedQuery("SELECT * FROM api_keys WHERE key_id = $1").mapping(MAPPER)
        .execute(Tuple.of(keyId)));
  }

  public Future<ApiKey> find(SqlClient client, UUID tenantId, UUID id) {
    return one(client.preparedQuery("SELECT * FROM api_keys WHERE tenant_id = $1 AND id = $2").mapping(MAPPER)
        .execute(Tuple.of(tenantId, id)));
  }

  public Future<Void> revoke(SqlClient client, UUID id, OffsetDateTime at) {
    return client.preparedQuery("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(id, at)).mapEmpty();
  }

  public Future<List<ApiKey>> page(SqlClient client, UUID tenantId, Pages.PageRequest page) {
    Pages.Cursor c = page.after();
    String sql = c == null
        ? "SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2"
        : "SELECT * FROM api_keys WHERE tenant_id = $1 AND (created_at, id) > ($3, $4) ORDER BY created_at, id LIMIT $2";
    Tuple args = c == null ? Tuple.of(tenantId, page.limit() + 1)
        : Tuple.of(tenantId, page.limit() + 1, c.createdAt(), c.id());
    return client.preparedQuery(sql).mapping(MAPPER).execute(args).map(rows -> {
      List<ApiKey> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }

  private static <T> Future<T> one(Future<io.vertx.sqlclient.RowSet<T>> rows) {
    return rows.map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }
}
