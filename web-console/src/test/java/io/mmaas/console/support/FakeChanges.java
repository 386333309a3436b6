package io.mmaas.console.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The fake admin API's newer routes, per the contract: deployment changes (scale, rollout, promote, rollback,
 * delete) with targets and canRollback; aliases (409 when the new version's inputs differ, unless forced), signature
 * diffs, version notes and deletes (409 while aliased or deployed); quota and usage (JSON and CSV); the audit export
 * streamed in chunks ({@link #EXPORT_LINES} lines) and the public key.
 */
final class FakeChanges {
  static final int EXPORT_LINES = 20_000;

  final Map<String, Integer> aliases = new ConcurrentHashMap<>();
  final JsonObject limits = new JsonObject().put("requestsPerSecond", 50).put("burst", 100)
      .put("requestsPerDay", 100_000).put("concurrentRequests", 20).put("maxModels", 10)
      .put("maxStorageBytes", 10_737_418_240L).put("maxReplicas", 8).put("maxGpuMemoryBytes", 0);
  private final FakeResources resources;
  private final Function<RoutingContext, JsonObject> caller;

  FakeChanges(FakeResources resources, Function<RoutingContext, JsonObject> caller) {
    this.resources = resources;
    this.caller = caller;
    resources.deployments.get(0).put("targets", new JsonArray().add(target(1, 100, 2, 1))).put("canRollback", false)
        .put("reasons", new JsonArray().add("v1: no agent has 2 GiB of free memory"));
  }

  void mount(Router r) {
    BodyHandler json = BodyHandler.create();
    String d = "/api/v1/tenants/:tenant/deployments/:id";
    r.patch(d).handler(json).handler(ctx -> deployment(ctx, dep -> {
      int replicas = ctx.body().asJsonObject().getInteger("replicas");
      remember(dep);
      targets(dep).forEach(t -> ((JsonObject) t).put("replicas", replicas));
      return dep.put("replicas", replicas);
    }));
    r.post(d + "/rollout").handler(json).handler(ctx -> deployment(ctx, dep -> {
      JsonObject body = ctx.body().asJsonObject();
      int version = body.getInteger("version");
      int weight = body.getInteger("weight");
      remember(dep);
      JsonArray next = new JsonArray();
      targets(dep).stream().map(t -> (JsonObject) t).filter(t -> t.getInteger("version") != version)
          .forEach(t -> next.add(t.copy().put("weight", 100 - weight)));
      next.add(target(version, weight, body.getInteger("replicas", 1), 0));
      return dep.put("targets", next);
    }));
    r.post(d + "/promote").handler(json).handler(ctx -> deployment(ctx, dep -> {
      int version = ctx.body().asJsonObject().getInteger("version");
      remember(dep);
      targets(dep).forEach(t -> ((JsonObject) t).put("weight", ((JsonObject) t).getInteger("version") == version
          ? 100 : 0));
      return dep.put("version", version);
    }));
    r.post(d + "/rollback").handler(json).handler(ctx -> deployment(ctx, dep -> {
      if (!dep.getBoolean("canRollback", false)) {
        return null;
      }
      JsonArray previous = (JsonArray) dep.remove("previous");
      return dep.put("targets", previous).put("canRollback", false);
    }));
    r.post(d + "/retry").handler(json).handler(ctx -> deployment(ctx, dep -> {
      if (dep.getLong("quarantinedReplicas", 0L) == 0) {
        return null;
      }
      return dep.put("quarantinedReplicas", 0).put("reasons", new JsonArray());
    }));
    r.delete(d).handler(ctx -> {
      if (resources.deployments.removeIf(x -> x.getString("id").equals(ctx.pathParam("id")))) {
        ctx.response().setStatusCode(204).end();
      } else {
        FakeAdminApi.error(ctx, 404, "not_found", "deployment not found", null);
      }
    });
    String m = "/api/v1/tenants/:tenant/models/:model";
    r.get(m + "/aliases").handler(ctx -> {
      JsonArray items = new JsonArray();
      aliases.forEach((alias, version) -> items.add(new JsonObject().put("alias", alias).put("version", version)
          .put("updatedAt", "2026-03-02T00:00:00Z")));
      ok(ctx, new JsonObject().put("items", items).putNull("nextCursor"));
    });
    r.put(m + "/aliases/:alias").handler(json).handler(this::setAlias);
    r.delete(m + "/aliases/:alias").handler(ctx -> {
      aliases.remove(ctx.pathParam("alias"));
      ctx.response().setStatusCode(204).end();
    });
    r.get(m + "/versions/:v/diff").handler(ctx -> {
      JsonObject to = version(Integer.parseInt(ctx.pathParam("v")));
      JsonObject from = version(Integer.parseInt(ctx.request().getParam("against")));
      if (to == null || from == null) {
        FakeAdminApi.error(ctx, 404, "not_found", "version not found", null);
        return;
      }
      ok(ctx, diff(from, to));
    });
    r.patch(m + "/versions/:v").handler(json).handler(ctx -> {
      JsonObject v = version(Integer.parseInt(ctx.pathParam("v")));
      JsonObject body = ctx.body().asJsonObject();
      v.put("description", body.getString("description")).put("metadata", body.getJsonObject("metadata"));
      ok(ctx, v);
    });
    r.delete(m + "/versions/:v").handler(ctx -> {
      int n = Integer.parseInt(ctx.pathParam("v"));
      if (aliases.containsValue(n)) {
        FakeAdminApi.error(ctx, 409, "conflict", "aliases " + aliasesOf(n) + " point at version " + n, null);
      } else if (resources.versions.removeIf(v -> v.getInteger("version") == n)) {
        ctx.response().setStatusCode(204).end();
      } else {
        FakeAdminApi.error(ctx, 404, "not_found", "version not found", null);
      }
    });
    r.delete(m).handler(ctx -> {
      String model = ctx.pathParam("model");
      if (resources.deployments.stream().anyMatch(x -> model.equals(x.getString("model")))) {
        FakeAdminApi.error(ctx, 409, "conflict", "model '" + model + "' is deployed: delete the deployment first",
            null);
      } else {
        resources.models.removeIf(x -> model.equals(x.getString("name")));
        ctx.response().setStatusCode(204).end();
      }
    });
    r.get("/api/v1/tenants/:tenant/quota").handler(ctx -> ok(ctx, new JsonObject().put("tenant", ctx.pathParam("tenant"))
        .put("limits", limits.copy()).put("usage", new JsonObject().put("models", 1).put("storageBytes", 1234)
            .put("replicas", 2).put("requestsToday", 105))));
    r.put("/api/v1/tenants/:tenant/quota").handler(json).handler(ctx -> {
      if (!"platform_admin".equals(caller.apply(ctx).getString("role"))) {
        FakeAdminApi.error(ctx, 403, "forbidden", "platform admins only", null);
        return;
      }
      limits.mergeIn(ctx.body().asJsonObject());
      ok(ctx, limits.copy());
    });
    r.get("/api/v1/tenants/:tenant/usage").handler(this::usage);
    r.get("/api/v1/audit-events/export").handler(this::export);
    r.get("/api/v1/audit-events/public-key").handler(ctx -> ok(ctx, new JsonObject().put("algorithm", "Ed25519")
        .put("keyId", "k1").put("pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")));
  }

  private void setAlias(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    String alias = ctx.pathParam("alias");
    int version = body.getInteger("version");
    Integer current = aliases.get(alias);
    JsonObject diff = current == null ? null : diff(version(current), version(version));
    boolean incompatible = diff != null && !diff.getBoolean("compatible");
    if (incompatible && !body.getBoolean("force", false)) {
      FakeAdminApi.error(ctx, 409, "conflict", "version " + version + " is not signature-compatible with version "
          + current + " that '" + alias + "' points at: " + diff.encode() + " (set force to move it anyway)", null);
      return;
    }
    aliases.put(alias, version);
    ok(ctx, new JsonObject().put("alias", alias).put("version", version).put("previousVersion", current)
        .put("diff", diff).put("forced", incompatible));
  }

  /** Inputs compared by name: a changed or added input breaks; outputs are not compared by the fake. */
  private static JsonObject diff(JsonObject from, JsonObject to) {
    JsonArray changed = new JsonArray();
    Map<String, JsonObject> before = byName(from.getJsonArray("inputs"));
    JsonArray added = new JsonArray();
    for (Object o : to.getJsonArray("inputs")) {
      JsonObject t = (JsonObject) o;
      JsonObject old = before.get(t.getString("name"));
      if (old == null) {
        added.add(t);
      } else if (!old.equals(t)) {
        changed.add(new JsonObject().put("name", t.getString("name")).put("before", old).put("after", t)
            .put("breaking", true).put("why", "shape " + old.getJsonArray("shape").encode() + " -> "
                + t.getJsonArray("shape").encode()));
      }
    }
    boolean compatible = changed.isEmpty() && added.isEmpty();
    JsonObject none = new JsonObject().put("added", new JsonArray()).put("removed", new JsonArray())
        .put("changed", new JsonArray());
    return new JsonObject().put("from", from.getInteger("version")).put("to", to.getInteger("version"))
        .put("compatible", compatible).put("inputs", new JsonObject().put("added", added).put("removed", new JsonArray())
            .put("changed", changed)).put("outputs", none);
  }

  private void usage(RoutingContext ctx) {
    Instant to = Instant.parse(ctx.request().getParam("to"));
    ChronoUnit unit = switch (ctx.request().getParam("by")) {
      case "minute" -> ChronoUnit.MINUTES;
      case "day" -> ChronoUnit.DAYS;
      default -> ChronoUnit.HOURS;
    };
    Instant last = to.minus(1, unit);
    Instant before = to.minus(2, unit);
    if ("true".equals(ctx.request().getParam("perKey")) && !"csv".equals(ctx.request().getParam("format"))) {
      ok(ctx, new JsonObject().put("tenant", ctx.pathParam("tenant")).put("by", ctx.request().getParam("by"))
          .put("truncated", false).put("items", new JsonArray(List.of(
              keyRow(before, "k-1", "backend", "mmaas_ab12", 30), keyRow(last, "k-1", "backend", "mmaas_ab12", 45),
              keyRow(last, "k-2", FakeAdminApi.SCRIPT_NAME, "mmaas_cd34", 30),
              keyRow(last, "k-3", null, null, 1)))));
      return;
    }
    List<JsonObject> rows = List.of(
        row(before, "scorer", 40, 1, 0, 200), row(last, "scorer", 60, 1, 5, 900),
        row(last, FakeAdminApi.SCRIPT_NAME, 5, 0, 0, 50));
    if ("csv".equals(ctx.request().getParam("format"))) {
      StringBuilder csv = new StringBuilder("start,model,version,requests,errorsClient,throttled,errorsServer,"
          + "bytesIn,bytesOut,computeMs\n");
      rows.forEach(x -> csv.append(x.getString("start")).append(',').append(x.getString("model")).append(",1,")
          .append(x.getLong("requests")).append(',').append(x.getLong("errorsClient")).append(',')
          .append(x.getLong("throttled")).append(",0,0,0,").append(x.getLong("computeMs")).append('\n'));
      ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"usage.csv\"").end(csv.toString());
      return;
    }
    ok(ctx, new JsonObject().put("tenant", ctx.pathParam("tenant")).put("by", ctx.request().getParam("by"))
        .put("truncated", false).put("items", new JsonArray(rows)));
  }

  private static JsonObject keyRow(Instant start, String id, String name, String prefix, long requests) {
    return new JsonObject().put("start", start.toString()).put("keyId", id).put("keyName", name)
        .put("keyPrefix", prefix).put("requests", requests).put("errorsClient", 1).put("throttled", 2)
        .put("errorsServer", 0).put("bytesIn", 100).put("bytesOut", 10).put("computeMs", 7);
  }

  private static JsonObject row(Instant start, String model, long requests, long errors, long throttled, long compute) {
    return new JsonObject().put("start", start.toString()).put("model", model).put("version", 1)
        .put("requests", requests).put("errorsClient", errors).put("throttled", throttled).put("errorsServer", 0)
        .put("bytesIn", 0).put("bytesOut", 0).put("computeMs", compute);
  }

  /** Writes {@link #EXPORT_LINES} lines in chunks, waiting for the console to drain, as the real export does. */
  private void export(RoutingContext ctx) {
    if (caller.apply(ctx) == null) {
      return;
    }
    String format = ctx.request().getParam("format", "jsonl");
    if (!format.equals("jsonl") && !format.equals("csv")) {
      FakeAdminApi.error(ctx, 400, "invalid_input", "format must be jsonl or csv", null);
      return;
    }
    HttpServerResponse out = ctx.response().setChunked(true)
        .putHeader("Content-Type", format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson")
        .putHeader("Content-Disposition", "attachment; filename=\"x\"");
    if (format.equals("csv")) {
      out.write("seq,action\n");
    }
    writeFrom(out, 1, format);
  }

  private static void writeFrom(HttpServerResponse out, int seq, String format) {
    int n = seq;
    while (n <= EXPORT_LINES) {
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < 500 && n <= EXPORT_LINES; i++, n++) {
        chunk.append(format.equals("csv") ? n + ",api_key.create\n"
            : new JsonObject().put("seq", n).put("action", "api_key.create").encode() + "\n");
      }
      out.write(Buffer.buffer(chunk.toString()));
      if (out.writeQueueFull()) {
        int next = n;
        out.drainHandler(v -> writeFrom(out, next, format));
        return;
      }
    }
    out.end();
  }

  private JsonObject deployment(RoutingContext ctx, Function<JsonObject, JsonObject> change) {
    JsonObject dep = resources.deployments.stream().filter(x -> x.getString("id").equals(ctx.pathParam("id")))
        .findFirst().orElse(null);
    if (dep == null) {
      FakeAdminApi.error(ctx, 404, "not_found", "deployment not found", null);
      return null;
    }
    JsonObject after = change.apply(dep);
    if (after == null) {
      FakeAdminApi.error(ctx, 409, "conflict", "there is no previous state to roll back to", null);
    } else {
      ok(ctx, after);
    }
    return after;
  }

  private static void remember(JsonObject dep) {
    dep.put("previous", targets(dep).copy()).put("canRollback", true);
  }

  private static JsonArray targets(JsonObject dep) {
    return dep.getJsonArray("targets", new JsonArray());
  }

  private static JsonObject target(int version, int weight, int replicas, int ready) {
    return new JsonObject().put("version", version).put("weight", weight).put("replicas", replicas)
        .put("readyReplicas", ready);
  }

  private JsonObject version(int n) {
    return resources.versions.stream().filter(v -> Objects.equals(v.getInteger("version"), n)).findFirst()
        .orElse(null);
  }

  private List<String> aliasesOf(int version) {
    return aliases.entrySet().stream().filter(e -> e.getValue() == version).map(Map.Entry::getKey).sorted().toList();
  }

  private static Map<String, JsonObject> byName(JsonArray tensors) {
    Map<String, JsonObject> m = new ConcurrentHashMap<>();
    tensors.forEach(t -> m.put(((JsonObject) t).getString("name"), (JsonObject) t));
    return m;
  }

  private static void ok(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
