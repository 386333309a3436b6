package io.mmaas.controlplane.usage;

import io.mmaas.controlplane.http.Csv;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads usage rollups, aggregated to minutes, hours or days, optionally per model version and per API key. */
public final class UsageRepository {
  /** The most rows one JSON answer holds; the CSV export streams them all. */
  public static final int MAX_ROWS = 10_000;
  /** The measures, as the API names them, in the order the CSV gives them. */
  static final List<String> MEASURES = List.of("requests", "errorsClient", "throttled", "errorsServer", "bytesIn",
      "bytesOut", "computeMs");
  private static final List<String> COLUMNS = List.of("requests", "errors_client", "throttled", "errors_server",
      "bytes_in", "bytes_out", "compute_ms");

  /**
   * What to read: one tenant's rollups between {@code from} (inclusive) and {@code to}, summed per {@code bucket}
   * (minute, hour or day; checked by the handler, which is why it may be written into the SQL), and per model version
   * and per API key when asked.
   */
  public record Query(UUID tenantId, OffsetDateTime from, OffsetDateTime to, String bucket, boolean perModel,
      boolean perKey) {

    /** The SELECT, ordered by bucket then model, version and key; {@code limit} rows at most when not null. */
    String sql(Integer limit) {
      String trunc = "date_trunc('" + bucket + "', u.minute)";
      List<String> groups = new ArrayList<>(List.of(trunc));
      StringBuilder select = new StringBuilder("SELECT ").append(trunc).append(" AS bucket");
      if (perModel) {
        select.append(", m.name AS model, v.version AS version");
        groups.add("m.name");
        groups.add("v.version");
      }
      if (perKey) {
        select.append(", u.api_key_id::text AS key_id, k.name AS key_name, k.prefix AS key_prefix");
        groups.add("u.api_key_id");
        groups.add("k.name");
        groups.add("k.prefix");
      }
      for (String c : COLUMNS) {
        select.append(", sum(u.").append(c).append(") AS ").append(c);
      }
      select.append("""
           FROM usage_minutes u
          LEFT JOIN models m ON m.id = u.model_id
          LEFT JOIN model_versions v ON v.id = u.version_id
          LEFT JOIN api_keys k ON k.id = u.api_key_id AND k.tenant_id = u.tenant_id
          WHERE u.tenant_id = $1 AND u.minute >= $2 AND u.minute < $3
          GROUP BY\s""").append(String.join(", ", groups)).append(" ORDER BY ");
      List<String> order = new ArrayList<>();
      for (int i = 1; i <= groups.size(); i++) {
        order.add(Integer.toString(i));
      }
      select.append(String.join(", ", order));
      if (limit != null) {
        select.append(" LIMIT ").append(limit);
      }
      return select.toString();
    }

    Tuple args() {
      return Tuple.of(tenantId, from, to);
    }

    /** The CSV's first line. */
    String csvHeader() {
      return "start" + (perModel ? ",model,version" : "") + (perKey ? ",keyId,keyName,keyPrefix" : "") + ","
          + String.join(",", MEASURES) + "\n";
    }

    JsonObject toJson(Row r) {
      JsonObject o = new JsonObject().put("start", r.getOffsetDateTime("bucket").toInstant().toString());
      if (perModel) {
        o.put("model", r.getString("model")).put("version", r.getInteger("version"));
      }
      if (perKey) {
        o.put("keyId", r.getString("key_id")).put("keyName", r.getString("key_name"))
            .put("keyPrefix", r.getString("key_prefix"));
      }
      for (int i = 0; i < COLUMNS.size(); i++) {
        o.put(MEASURES.get(i), ((Number) r.getValue(COLUMNS.get(i))).longValue());
      }
      return o;
    }

    String toCsv(Row r) {
      StringBuilder line = new StringBuilder(128).append(r.getOffsetDateTime("bucket").toInstant());
      if (perModel) {
        Integer version = r.getInteger("version");
        line.append(',').append(Csv.cell(r.getString("model"))).append(',').append(version == null ? "" : version);
      }
      if (perKey) {
        line.append(',').append(r.getString("key_id")).append(',').append(Csv.cell(r.getString("key_name")))
            .append(',').append(Csv.cell(r.getString("key_prefix")));
      }
      for (String c : COLUMNS) {
        line.append(',').append(((Number) r.getValue(c)).longValue());
      }
      return line.append('\n').toString();
    }
  }

  /** At most {@link #MAX_ROWS} + 1 rows, so the caller can tell that there were more. */
  public Future<List<JsonObject>> series(SqlClient client, Query query) {
    return client.preparedQuery(query.sql(MAX_ROWS + 1)).execute(query.args()).map(rs -> {
      List<JsonObject> out = new ArrayList<>();
      for (Row r : rs) {
        out.add(query.toJson(r));
      }
      return out;
    });
  }
}
