package io.mmaas.controlplane.usage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads usage rollups, aggregated to minutes, hours or days, optionally per model. */
public final class UsageRepository {
  public static final int MAX_ROWS = 10_000;

  public Future<List<JsonObject>> series(SqlClient client, UUID tenantId, OffsetDateTime from, OffsetDateTime to,
                                         String bucket, boolean perModel) {
    String group = perModel ? "date_trunc('" + bucket + "', u.minute), m.name, v.version"
        : "date_trunc('" + bucket + "', u.minute)";
    String select = perModel ? ", m.name AS model, v.version AS version" : "";
    String sql = "SELECT date_trunc('" + bucket + "', u.minute) AS bucket" + select + """
        , sum(u.requests) AS requests, sum(u.errors_client) AS errors_client, sum(u.throttled) AS throttled,
          sum(u.errors_server) AS errors_server, sum(u.bytes_in) AS bytes_in, sum(u.bytes_out) AS bytes_out,
          sum(u.compute_ms) AS compute_ms
        FROM usage_minutes u
        LEFT JOIN models m ON m.id = u.model_id LEFT JOIN model_versions v ON v.id = u.version_id
        WHERE u.tenant_id = $1 AND u.minute >= $2 AND u.minute < $3
        GROUP BY\s""" + group + " ORDER BY 1" + (perModel ? ", 2, 3" : "") + " LIMIT " + (MAX_ROWS + 1);
    return client.preparedQuery(sql).execute(Tuple.of(tenantId, from, to)).map(rs -> {
      List<JsonObject> out = new ArrayList<>();
      for (Row r : rs) {
        JsonObject o = new JsonObject().put("start", r.getOffsetDateTime("bucket").toInstant().toString());
        if (perModel) {
          o.put("model", r.getString("model")).put("version", r.getInteger("version"));
        }
        for (String c : List.of("requests", "errors_client", "throttled", "errors_server", "bytes_in", "bytes_out",
            "compute_ms")) {
          o.put(camel(c), ((Number) r.getValue(c)).longValue());
        }
        out.add(o);
      }
      return out;
    });
  }

  private static String camel(String snake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return sb.toString();
  }
}
