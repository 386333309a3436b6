package io.mmaas.controlplane.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** SQL for models, their versions and the blobs they reference. */
public final class RegistryRepository {
  private static final Function<Row, Model> MODEL = r -> new Model(r.getUUID("id"), r.getUUID("tenant_id"),
      r.getString("name"), r.getString("description"), r.getOffsetDateTime("created_at"));
  private static final Function<Row, ModelVersion> VERSION = r -> new ModelVersion(r.getUUID("id"),
      r.getUUID("model_id"), r.getUUID("tenant_id"), r.getInteger("version"), r.getString("sha256"),
      r.getLong("size_bytes"), r.getLong("ir_version"), json(r, "opsets"), json(r, "inputs"), json(r, "outputs"),
      r.getUUID("uploaded_by"), r.getOffsetDateTime("created_at"), r.getString("description"),
      (io.vertx.core.json.JsonObject) r.getValue("metadata"), r.getString("format"), json(r, "warmup_samples"));

  private static JsonArray json(Row r, String column) {
    Object v = r.getValue(column);
    return v instanceof JsonArray a ? a : new JsonArray(String.valueOf(v));
  }

  public Future<Boolean> insertModel(SqlClient client, Model m) {
    return client.preparedQuery("""
            INSERT INTO models (id, tenant_id, name, description, created_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (tenant_id, name) DO NOTHING""")
        .execute(Tuple.of(m.id(), m.tenantId(), m.name(), m.description(), m.createdAt()))
        .map(rs -> rs.rowCount() == 1);
  }

  public Future<Model> findModel(SqlClient client, UUID tenantId, String name) {
    return one(client.preparedQuery("SELECT * FROM models WHERE tenant_id = $1 AND name = $2").mapping(MODEL)
        .execute(Tuple.of(tenantId, name)));
  }

  /** The model row, locked until the transaction ends (serialises version numbering). */
  public Future<Model> lockModel(SqlClient client, UUID tenantId, String name) {
    return one(client.preparedQuery("SELECT * FROM models WHERE tenant_id = $1 AND name = $2 FOR UPDATE")
        .mapping(MODEL).execute(Tuple.of(tenantId, name)));
  }

  public Future<List<Model>> models(SqlClient client, UUID tenantId, int limit, OffsetDateTime afterCreated, UUID afterId) {
    String sql = afterId == null
        ? "SELECT * FROM models WHERE tenant_id = $1 ORDER BY created_at, id LIMIT $2"
        : "SELECT * FROM models WHERE tenant_id = $1 AND (created_at, id) > ($3, $4) ORDER BY created_at, id LIMIT $2";
    Tuple args = afterId == null ? Tuple.of(tenantId, limit) : Tuple.of(tenantId, limit, afterCreated, afterId);
    return all(client.preparedQuery(sql).mapping(MODEL).execute(args));
  }

  /** Records a blob; one the collector had removed is live again (its file is about to be stored anew). */
  public Future<Void> insertBlob(SqlClient client, String sha256, long size, OffsetDateTime now) {
    return client.preparedQuery("INSERT INTO blobs (sha256, size_bytes, created_at) VALUES ($1, $2, $3) "
        + "ON CONFLICT (sha256) DO UPDATE SET collected_at = NULL").execute(Tuple.of(sha256, size, now)).mapEmpty();
  }

  /** Lock space for blobs (two-int advisory locks; the audit chain's single-bigint lock is a different space). */
  private static final int BLOB_LOCKS = 0x6d6d6201;

  /**
   * Serialises, per content, storing a blob (upload) and collecting it (garbage collection) until the transaction
   * ends: whichever comes second sees what the first committed.
   */
  public Future<Void> lockBlob(SqlConnection conn, String sha256) {
    int key = (int) Long.parseLong(sha256.substring(0, 8), 16);
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1, $2)").execute(Tuple.of(BLOB_LOCKS, key)).mapEmpty();
  }

  /** Blobs still recorded as stored that no READY version references (at most {@code limit}). */
  public Future<List<String>> unreferencedBlobs(SqlClient client, int limit) {
    return client.preparedQuery("""
            SELECT b.sha256 FROM blobs b WHERE b.collected_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM model_versions v WHERE v.sha256 = b.sha256 AND v.state = 'READY')
            ORDER BY b.created_at LIMIT $1""").execute(Tuple.of(limit))
        .map(rs -> { List<String> out = new java.util.ArrayList<>(); rs.forEach(r -> out.add(r.getString(0))); return out; });
  }

  /** Of these blobs, the ones some READY version references. */
  public Future<java.util.Set<String>> referencedAmong(SqlClient client, List<String> sha256s) {
    return client.preparedQuery("SELECT DISTINCT sha256 FROM model_versions WHERE state = 'READY' AND sha256 = ANY($1)")
        .execute(Tuple.of(sha256s.toArray(String[]::new)))
        .map(rs -> { java.util.Set<String> out = new java.util.HashSet<>(); rs.forEach(r -> out.add(r.getString(0))); return out; });
  }

  public Future<Boolean> blobReferenced(SqlClient client, String sha256) {
    return client.preparedQuery("SELECT EXISTS (SELECT 1 FROM model_versions WHERE sha256 = $1 AND state = 'READY')")
        .execute(Tuple.of(sha256)).map(rs -> rs.iterator().next().getBoolean(0));
  }

  /**
   * After the file is gone: the row goes too when no version row (deleted ones included) points at it, otherwise
   * it stays as history, marked collected. Returns the size it had, or null when there was no row.
   */
  public Future<Long> forgetBlob(SqlClient client, String sha256, OffsetDateTime now) {
    return client.preparedQuery("DELETE FROM blobs WHERE sha256 = $1 "
            + "AND NOT EXISTS (SELECT 1 FROM model_versions WHERE sha256 = $1) RETURNING size_bytes")
        .execute(Tuple.of(sha256)).compose(rs -> rs.iterator().hasNext()
            ? Future.succeededFuture(rs.iterator().next().getLong(0))
            : client.preparedQuery("UPDATE blobs SET collected_at = $2 WHERE sha256 = $1 RETURNING size_bytes")
                .execute(Tuple.of(sha256, now))
                .map(u -> u.iterator().hasNext() ? u.iterator().next().getLong(0) : null));
  }

  public Future<Integer> nextVersion(SqlClient client, UUID modelId) {
    return client.preparedQuery("SELECT coalesce(max(version), 0) + 1 AS next FROM model_versions WHERE model_id = $1")
        .execute(Tuple.of(modelId)).map(rs -> rs.iterator().next().getInteger("next"));
  }

  public Future<Void> insertVersion(SqlClient client, ModelVersion v) {
    return client.preparedQuery("""
            INSERT INTO model_versions (id, model_id, tenant_id, version, sha256, size_bytes, ir_version, opsets,
              inputs, outputs, uploaded_by, created_at, description, metadata, format)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""")
        .execute(Tuple.from(new Object[] {v.id(), v.modelId(), v.tenantId(), v.version(), v.sha256(), v.sizeBytes(),
            v.irVersion(), v.opsets(), v.inputs(), v.outputs(), v.uploadedBy(), v.createdAt(), v.description(),
            v.metadata(), v.format()}))
        .mapEmpty();
  }

  public Future<ModelVersion> findVersion(SqlClient client, UUID modelId, int version) {
    return one(client.preparedQuery("SELECT * FROM model_versions WHERE model_id = $1 AND version = $2 AND state = 'READY'")
        .mapping(VERSION).execute(Tuple.of(modelId, version)));
  }

  public Future<ModelVersion> latestVersion(SqlClient client, UUID modelId) {
    return one(client.preparedQuery("SELECT * FROM model_versions WHERE model_id = $1 AND state = 'READY' "
        + "ORDER BY version DESC LIMIT 1").mapping(VERSION).execute(Tuple.of(modelId)));
  }

  public Future<List<ModelVersion>> versions(SqlClient client, UUID modelId, int limit, int afterVersion) {
    return all(client.preparedQuery("SELECT * FROM model_versions WHERE model_id = $1 AND version > $2 "
        + "AND state = 'READY' ORDER BY version LIMIT $3").mapping(VERSION).execute(Tuple.of(modelId, afterVersion, limit)));
  }

  public Future<List<io.vertx.core.json.JsonObject>> aliases(SqlClient client, UUID modelId) {
    return client.preparedQuery("SELECT a.alias, v.version, a.updated_at FROM model_aliases a "
            + "JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = $1 ORDER BY a.alias")
        .execute(Tuple.of(modelId)).map(rs -> {
          List<io.vertx.core.json.JsonObject> out = new ArrayList<>();
          rs.forEach(r -> out.add(new io.vertx.core.json.JsonObject().put("alias", r.getString("alias"))
              .put("version", r.getInteger("version"))
              .put("updatedAt", r.getOffsetDateTime("updated_at").toInstant().toString())));
          return out;
        });
  }

  /** The READY version an alias points at, or null. */
  public Future<ModelVersion> versionByAlias(SqlClient client, UUID modelId, String alias) {
    return one(client.preparedQuery("SELECT v.* FROM model_aliases a JOIN model_versions v ON v.id = a.version_id "
        + "WHERE a.model_id = $1 AND a.alias = $2 AND v.state = 'READY'").mapping(VERSION)
        .execute(Tuple.of(modelId, alias)));
  }

  public Future<Void> upsertAlias(SqlClient client, UUID modelId, String alias, UUID versionId, OffsetDateTime now) {
    return client.preparedQuery("INSERT INTO model_aliases (model_id, alias, version_id, updated_at) VALUES ($1, $2, $3, $4) "
            + "ON CONFLICT (model_id, alias) DO UPDATE SET version_id = EXCLUDED.version_id, updated_at = EXCLUDED.updated_at")
        .execute(Tuple.of(modelId, alias, versionId, now)).mapEmpty();
  }

  public Future<Boolean> deleteAlias(SqlClient client, UUID modelId, String alias) {
    return client.preparedQuery("DELETE FROM model_aliases WHERE model_id = $1 AND alias = $2")
        .execute(Tuple.of(modelId, alias)).map(rs -> rs.rowCount() == 1);
  }

  /** Aliases pointing at this version. */
  public Future<List<String>> aliasesOf(SqlClient client, UUID versionId) {
    return client.preparedQuery("SELECT alias FROM model_aliases WHERE version_id = $1 ORDER BY alias")
        .execute(Tuple.of(versionId)).map(rs -> {
          List<String> out = new ArrayList<>();
          rs.forEach(r -> out.add(r.getString("alias")));
          return out;
        });
  }

  public Future<Void> annotate(SqlClient client, UUID versionId, String description,
                               io.vertx.core.json.JsonObject metadata, JsonArray warmUpSamples) {
    return client.preparedQuery("UPDATE model_versions SET description = $2, metadata = $3, warmup_samples = $4 "
            + "WHERE id = $1")
        .execute(Tuple.of(versionId, description, metadata, warmUpSamples)).mapEmpty();
  }

  /** Soft delete: the version stops counting against storage and cannot be deployed; its number is not reused. */
  public Future<Void> markVersionDeleted(SqlClient client, UUID versionId) {
    return client.preparedQuery("UPDATE model_versions SET state = 'DELETED' WHERE id = $1")
        .execute(Tuple.of(versionId)).mapEmpty();
  }

  /** Removes a model that is not deployed, with its aliases and versions (the audit log keeps their history). */
  public Future<Void> deleteModel(SqlClient client, UUID modelId) {
    return client.preparedQuery("DELETE FROM model_aliases WHERE model_id = $1").execute(Tuple.of(modelId))
        .compose(x -> client.preparedQuery("DELETE FROM replicas WHERE version_id IN "
            + "(SELECT id FROM model_versions WHERE model_id = $1)").execute(Tuple.of(modelId)))
        .compose(x -> client.preparedQuery("DELETE FROM model_versions WHERE model_id = $1").execute(Tuple.of(modelId)))
        .compose(x -> client.preparedQuery("DELETE FROM models WHERE id = $1").execute(Tuple.of(modelId)))
        .mapEmpty();
  }

  private static <T> Future<T> one(Future<RowSet<T>> rows) {
    return rows.map(rs -> rs.iterator().hasNext() ? rs.iterator().next() : null);
  }

  private static <T> Future<List<T>> all(Future<RowSet<T>> rows) {
    return rows.map(rs -> {
      List<T> out = new ArrayList<>();
      rs.forEach(out::add);
      return out;
    });
  }
}
