package io.mmaas.controlplane.tenants;

import io.mmaas.controlplane.http.Pages;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** SQL for tenants and their quotas. */
public final class TenantRepository {
  private static final Function<Row, Tenant> MAPPER = r -> new Tenant(r.getUUID("id"), r.getString("name"),
      r.getString("display_name"), r.getString("state"), r.getOffsetDateTime("created_at"));

  public Future<Tenant> findByName(SqlClient client, String name) {
    return client.preparedQuery("SELECT * FROM tenants WHERE name = $1").mapping(MAPPER).execute(Tuple.of(name))
        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
  }

  public Future<Tenant> findById(SqlClient client, UUID id) {
    return client.preparedQuery("SELECT * FROM tenants WHERE id = $1").mapping(MAPPER).execute(Tuple.of(id))
        .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
  }

  /** Inserts the tenant; yields false when the name is taken (nothing inserted). */
  public Future<Boolean> insert(SqlClient client, Tenant t) {
    return client.preparedQuery("""
            INSERT INTO tenants (id, name, display_name, state, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (name) DO NOTHING""")
        .execute(Tuple.of(t.id(), t.name(), t.displayName(), t.state(), t.createdAt()))
        .map(rs -> rs.rowCount() == 1);
  }

  public Future<Void> setState(SqlClient client, UUID id, String state, java.time.OffsetDateTime now) {
    return client.preparedQuery("UPDATE tenants SET state = $2, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(id, state, now)).mapEmpty();
  }

  /** Default quotas for a new tenant; platform admins change them later. */
  public Future<Void> insertDefaultQuota(SqlClient client, UUID tenantId, java.time.OffsetDateTime now) {
    return client.preparedQuery("""
            INSERT INTO quotas (tenant_id, requests_per_second, burst, requests_per_day, concurrent_requests,
              max_models, max_storage_bytes, max_replicas, max_gpu_memory_bytes, updated_at)
            VALUES ($1, 100, 200, 1000000, 64, 50, 10737418240, 16, 85899345920, $2)""")
        .execute(Tuple.of(tenantId, now)).mapEmpty();
  }

  public Future<List<Tenant>> page(SqlClient client, Pages.PageRequest page) {
    Pages.Cursor c = page.after();
    String sql = c == null
        ? "SELECT * FROM tenants ORDER BY created_at, id LIMIT $1"
        : "SELECT * FROM tenants WHERE (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $1";
    Tuple args = c == null ? Tuple.of(page.limit() + 1) : Tuple.of(page.limit() + 1, c.createdAt(), c.id());
    return client.preparedQuery(sql).mapping(MAPPER).execute(args).map(rows -> {
      List<Tenant> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    });
  }
}
