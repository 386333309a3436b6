package io.mmaas.console.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The fake admin API's resources beyond sign-in and tenants, per the admin API's contract: users, API keys,
 * models, versions (uploads counted as they stream in), deployments, agents, audit events and verification, and a
 * gateway {@code /v2/models/{m}/infer} that echoes what it got. Tenant admins see only their tenant (others 404).
 */
final class FakeResources {
  static final String SCRIPT = FakeAdminApi.SCRIPT_NAME;

  final Map<String, JsonObject> keys = new ConcurrentHashMap<>();
  final List<JsonObject> models = new CopyOnWriteArrayList<>();
  final List<JsonObject> versions = new CopyOnWriteArrayList<>();
  final List<JsonObject> deployments = new CopyOnWriteArrayList<>();
  final List<JsonObject> users = new CopyOnWriteArrayList<>();
  final List<Long> uploadedBytes = new CopyOnWriteArrayList<>();
  final List<String> gatewayAuth = new CopyOnWriteArrayList<>();
  private final Function<RoutingContext, JsonObject> caller;

  /** Called after a password change, as the real API then ends the user's other sessions. */
  private java.util.function.Consumer<RoutingContext> passwordChanged = ctx -> { };

  void onPasswordChanged(java.util.function.Consumer<RoutingContext> then) {
    passwordChanged = then;
  }

  FakeResources(Function<RoutingContext, JsonObject> caller) {
    this.caller = caller;
    models.add(new JsonObject().put("id", "m-1").put("name", "scorer").put("description", SCRIPT)
        .put("createdAt", "2026-01-05T00:00:00Z"));
    versions.add(version(1));
    deployments.add(new JsonObject().put("id", "d-1").put("model", "scorer").put("version", 1).put("replicas", 2)
        .put("state", "PROGRESSING").put("readyReplicas", 1).put("createdAt", "2026-01-06T00:00:00Z")
        .put("runtime", new JsonObject().put("executionProvider", "auto"))
        .put("replicaStatus", new JsonArray()
            .add(new JsonObject().put("id", "r-1").put("agent", new JsonObject().put("id", "a-1").put("name", "gpu-1"))
                .put("state", "READY").putNull("reason").put("memoryBytes", 1_073_741_824L))
            .add(new JsonObject().put("id", "r-2").putNull("agent").put("state", "PENDING")
                .put("reason", "no agent has 2 GiB of free memory").putNull("memoryBytes"))));
    users.add(new JsonObject().put("id", "00000000-0000-0000-0000-0000000000aa").put("username", SCRIPT)
        .put("role", "tenant_admin").put("tenant", "acme").put("disabled", false).put("createdAt", "2026-01-01T00:00:00Z"));
  }

  void mount(Router r) {
    BodyHandler json = BodyHandler.create();
    r.post("/api/v1/me/password").handler(json).handler(this::password);
    r.get("/api/v1/users").handler(ctx -> page(ctx, users));
    r.post("/api/v1/users").handler(json).handler(this::createUser);
    r.post("/api/v1/users/:id/disable").handler(ctx -> toggle(ctx, true));
    r.post("/api/v1/users/:id/enable").handler(ctx -> toggle(ctx, false));
    r.get("/api/v1/agents").handler(this::agents);
    r.get("/api/v1/agents/enrollment-tokens").handler(ctx -> ok(ctx, new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", "e-9").put("name", "fleet-rollout").put("expiresAt", "2026-12-01T00:00:00Z")
            .put("singleUse", true).putNull("revokedAt").putNull("lastUsedAt"))).putNull("nextCursor")));
    r.delete("/api/v1/agents/enrollment-tokens/:id").handler(ctx -> ctx.response().setStatusCode(204).end());
    r.post("/api/v1/agents/:id/disable").handler(ctx -> ctx.response().setStatusCode(204).end());
    r.post("/api/v1/agents/:id/enable").handler(ctx -> ctx.response().setStatusCode(204).end());
    r.post("/api/v1/agents/:id/approve").handler(ctx -> ok(ctx, new JsonObject().put("name", "gpu-1")));
    r.post("/api/v1/agents/:id/rotate-serving-key").handler(ctx -> ctx.response().setStatusCode(202)
        .putHeader("Content-Type", "application/json").end(new JsonObject().put("id", ctx.pathParam("id"))
            .put("servingKey", new JsonObject().put("generation", 1).put("confirmedGeneration", 0)
                .put("pending", true)).encode()));
    r.delete("/api/v1/agents/:id").handler(ctx -> ctx.response().setStatusCode(204).end());
    r.post("/api/v1/agents/enrollment-tokens").handler(json).handler(ctx -> created(ctx, new JsonObject()
        .put("id", "e-1").put("name", ctx.body().asJsonObject().getString("name", "enrollment"))
        .put("expiresAt", "2026-12-01T00:00:00Z").put("token", "mmaas_enroll_SECRET123")));
    r.get("/api/v1/audit-events").handler(this::audit);
    r.get("/api/v1/audit-events/verify").handler(ctx -> ok(ctx, new JsonObject().put("valid", true).put("checked", 3)
        .put("headHash", "abc123")));
    r.route("/api/v1/tenants/:tenant/*").handler(this::tenantScope);
    r.get("/api/v1/tenants/:tenant/users").handler(ctx -> page(ctx, users));
    r.get("/api/v1/tenants/:tenant/api-keys").handler(ctx -> page(ctx, new ArrayList<>(keys.values())));
    r.post("/api/v1/tenants/:tenant/api-keys").handler(json).handler(this::createKey);
    r.delete("/api/v1/tenants/:tenant/api-keys/:id").handler(this::revokeKey);
    r.post("/api/v1/tenants/:tenant/api-keys/:id/rotate").handler(json).handler(this::rotateKey);
    r.get("/api/v1/tenants/:tenant/models").handler(ctx -> page(ctx, models));
    r.post("/api/v1/tenants/:tenant/models").handler(json).handler(this::createModel);
    r.get("/api/v1/tenants/:tenant/models/:model").handler(ctx -> models.stream()
        .filter(m -> m.getString("name").equals(ctx.pathParam("model"))).findFirst()
        .ifPresentOrElse(m -> ok(ctx, m), () -> FakeAdminApi.error(ctx, 404, "not_found", "model not found", null)));
    r.get("/api/v1/tenants/:tenant/models/:model/versions").handler(ctx -> ok(ctx, new JsonObject()
        .put("items", new JsonArray(versions)).putNull("nextAfterVersion")));
    r.get("/api/v1/tenants/:tenant/models/:model/versions/:v").handler(ctx -> versions.stream()
        .filter(v -> v.getValue("version").toString().equals(ctx.pathParam("v"))).findFirst()
        .ifPresentOrElse(v -> ok(ctx, v), () -> FakeAdminApi.error(ctx, 404, "not_found", "version not found", null)));
    r.post("/api/v1/tenants/:tenant/models/:model/versions").handler(this::upload);
    r.get("/api/v1/tenants/:tenant/deployments").handler(ctx -> page(ctx,
        "acme".equals(ctx.pathParam("tenant")) ? deployments : List.of()));
    r.get("/api/v1/tenants/:tenant/deployments/:id").handler(ctx -> deployments.stream()
        .filter(d -> d.getString("id").equals(ctx.pathParam("id"))).findFirst()
        .ifPresentOrElse(d -> ok(ctx, d), () -> FakeAdminApi.error(ctx, 404, "not_found", "not found", null)));
    r.post("/api/v1/tenants/:tenant/deployments").handler(json).handler(this::deploy);
    r.post("/v2/models/:model/infer").handler(json).handler(this::infer);
  }

  private void tenantScope(RoutingContext ctx) {
    JsonObject user = caller.apply(ctx);
    if (user == null) {
      return;
    }
    String tenant = user.getString("tenant");
    if (tenant != null && !tenant.equals(ctx.pathParam("tenant"))) {
      FakeAdminApi.error(ctx, 404, "not_found", "tenant not found", null);
      return;
    }
    ctx.next();
  }

  private void password(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    if (caller.apply(ctx) == null) {
      return;
    }
    if (!FakeAdminApi.ADMIN_PASSWORD.equals(body.getString("currentPassword"))) {
      FakeAdminApi.error(ctx, 400, "invalid_input", "the current password is wrong", null);
      return;
    }
    passwordChanged.accept(ctx);
    ctx.response().setStatusCode(204).end();
  }

  private void createUser(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    JsonObject user = new JsonObject().put("id", UUID.randomUUID().toString()).put("username", body.getString("username"))
        .put("role", body.getString("role")).putNull("tenant").put("disabled", false)
        .put("createdAt", "2026-02-01T00:00:00Z");
    users.add(user);
    created(ctx, body.containsKey("password") ? user : user.copy().put("password", "generated-PASSWORD-42"));
  }

  private void toggle(RoutingContext ctx, boolean disabled) {
    users.stream().filter(u -> u.getString("id").equals(ctx.pathParam("id"))).findFirst().ifPresentOrElse(u -> {
      u.put("disabled", disabled);
      ok(ctx, u);
    }, () -> FakeAdminApi.error(ctx, 404, "not_found", "user not found", null));
  }

  private void agents(RoutingContext ctx) {
    JsonObject caps = new JsonObject().put("executionProviders", new JsonArray().add("CUDA").add("CPU")).put("cpus", 16)
        .put("hostMemoryBytes", 68_719_476_736L)
        .put("gpus", new JsonArray().add(new JsonObject().put("name", "H200").put("memoryBytes", 150_000_000_000L)));
    ok(ctx, new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("id", "a-1").put("name", "gpu-1").put("servingUrl", "http://10.0.0.7:9090")
            .put("capabilities", caps).put("executionProvider", "CUDA").put("state", "READY")
            .put("lastHeartbeatAt", java.time.Instant.now().toString())
            .put("servingKey", new JsonObject().put("generation", 3).put("confirmedGeneration", 2)
                .put("pending", true)))
        .add(new JsonObject().put("id", "a-2").put("name", SCRIPT).put("servingUrl", "http://10.0.0.8:9090")
            .put("capabilities", new JsonObject()).put("executionProvider", "CPU").put("state", "OFFLINE")
            .put("lastHeartbeatAt", "2026-01-01T00:00:00Z"))).putNull("nextCursor"));
  }

  private void audit(RoutingContext ctx) {
    if (caller.apply(ctx) == null) {
      return;
    }
    long before = Long.parseLong(ctx.request().getParam("before", "1000"));
    JsonArray items = new JsonArray();
    for (long seq = before - 1; seq > before - 3 && seq > 0; seq--) {
      items.add(new JsonObject().put("seq", seq).put("id", "ev-" + seq).put("occurredAt", "2026-03-01T10:00:00Z")
          .put("actor", new JsonObject().put("type", "user").put("id", "u-2").put("name", SCRIPT))
          .put("tenantId", "t-1").put("action", "api_key.create")
          .put("target", new JsonObject().put("type", "api_key").put("id", "k-" + seq)).put("outcome", "success")
          .put("sourceIp", "127.0.0.1").put("details", new JsonObject().put("after", new JsonObject().put("name", SCRIPT))));
    }
    ok(ctx, new JsonObject().put("items", items).put("nextBefore", Long.toString(before - 2)));
  }

  private void createKey(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    String id = UUID.randomUUID().toString();
    JsonObject key = new JsonObject().put("id", id).put("name", body.getString("name")).put("prefix", "mmaas_ab12")
        .put("scopes", body.getJsonArray("scopes", new JsonArray().add("infer").add("metadata")))
        .put("models", body.getJsonArray("models")).put("createdAt", "2026-03-01T00:00:00Z")
        .put("expiresAt", body.getString("expiresAt")).putNull("revokedAt").putNull("lastUsedAt");
    keys.put(id, key);
    created(ctx, key.copy().put("key", "mmaas_ab12_SECRETVALUE"));
  }

  private void revokeKey(RoutingContext ctx) {
    JsonObject key = keys.get(ctx.pathParam("id"));
    if (key == null) {
      FakeAdminApi.error(ctx, 404, "not_found", "key not found", null);
      return;
    }
    key.put("revokedAt", "2026-03-02T00:00:00Z");
    ok(ctx, key);
  }

  private void rotateKey(RoutingContext ctx) {
    JsonObject old = keys.get(ctx.pathParam("id"));
    if (old == null) {
      FakeAdminApi.error(ctx, 404, "not_found", "key not found", null);
      return;
    }
    old.put("revokedAt", "2026-03-02T00:00:00Z");
    JsonObject next = old.copy().put("id", UUID.randomUUID().toString()).putNull("revokedAt");
    keys.put(next.getString("id"), next);
    created(ctx, next.copy().put("key", "mmaas_ab12_ROTATEDSECRET"));
  }

  private void createModel(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    if (models.stream().anyMatch(m -> m.getString("name").equals(body.getString("name")))) {
      FakeAdminApi.error(ctx, 409, "conflict", "a model named " + body.getString("name") + " exists", null);
      return;
    }
    JsonObject m = body.copy().put("id", UUID.randomUUID().toString()).put("createdAt", "2026-03-01T00:00:00Z");
    models.add(m);
    created(ctx, m);
  }

  private void upload(RoutingContext ctx) {
    if (caller.apply(ctx) == null) {
      return;
    }
    long[] n = {0};
    ctx.request().handler(b -> n[0] += b.length());
    ctx.request().endHandler(v -> {
      uploadedBytes.add(n[0]);
      if (n[0] < 4) {
        FakeAdminApi.error(ctx, 400, "invalid_input", "not a valid ONNX model", null);
        return;
      }
      JsonObject v2 = version(versions.size() + 1).put("sizeBytes", n[0]);
      versions.add(v2);
      created(ctx, v2);
    });
  }

  private void deploy(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    JsonObject d = new JsonObject().put("id", "d-" + (deployments.size() + 1)).put("model", body.getString("model"))
        .put("version", body.getInteger("version", 1)).put("replicas", body.getInteger("replicas", 1))
        .put("state", "PROGRESSING").put("readyReplicas", 0).put("replicaStatus", new JsonArray())
        .put("createdAt", "2026-03-01T00:00:00Z");
    deployments.add(d);
    created(ctx, d);
  }

  private void infer(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    gatewayAuth.add(auth);
    if (!"Bearer mmaas_good_key".equals(auth)) {
      ctx.response().setStatusCode(401).putHeader("Content-Type", "application/json").end("{\"error\":\"invalid API key\"}");
      return;
    }
    ok(ctx, new JsonObject().put("model_name", ctx.pathParam("model")).put("outputs", new JsonArray()
        .add(new JsonObject().put("name", "output").put("datatype", "FP32").put("shape", new JsonArray().add(1).add(1))
            .put("data", new JsonArray().add(0.5)))));
  }

  static JsonObject version(int n) {
    return new JsonObject().put("id", "v-" + n).put("version", n).put("sha256", "ab".repeat(32)).put("sizeBytes", 1234)
        .put("irVersion", 8).put("opsets", new JsonArray().add(new JsonObject().put("domain", "").put("version", 17)))
        .put("inputs", new JsonArray().add(new JsonObject().put("name", "input").put("datatype", "FP32")
            .put("shape", new JsonArray().add(-1).add(4))))
        .put("outputs", new JsonArray().add(new JsonObject().put("name", "output").put("datatype", "FP32")
            .put("shape", new JsonArray().add(-1).add(3))))
        .put("createdAt", "2026-03-01T00:00:00Z");
  }

  private void page(RoutingContext ctx, List<JsonObject> items) {
    if (caller.apply(ctx) != null) {
      ok(ctx, new JsonObject().put("items", new JsonArray(new ArrayList<>(items))).putNull("nextCursor"));
    }
  }

  private static void ok(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void created(RoutingContext ctx, JsonObject body) {
    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(Buffer.buffer(body.encode()));
  }
}
