package io.mmaas.bench.quotas;

import io.mmaas.bench.load.Target;
import io.mmaas.bench.system.AdminApi;
import io.mmaas.bench.system.ControlPlaneProcess;
import io.mmaas.bench.system.Platform;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * A tenant with the given quota, a model (by default an MLP 16→32→4) deployed on one replica and an API key: what a
 * load test calls, through any gateway or (with the serving key) directly at the agent.
 */
record ServedModel(String tenant, String model, Buffer request, String apiKey, String deploymentId, String replicaId,
                   String agentUrl, String servingKey) {
  static final String MODEL = "mlp";
  static final Buffer REQUEST = mlpRequest();

  /** The MLP with {@link #REQUEST}. */
  static ServedModel create(Platform p, String tenant, JsonObject quota) throws Exception {
    return create(p, tenant, quota, MODEL, OnnxModels.mlp(16, 32, 4, 1), REQUEST);
  }

  /** Creates the tenant, sets its quota, deploys the model and waits until every gateway serves it. */
  static ServedModel create(Platform p, String tenant, JsonObject quota, String model, byte[] onnx, Buffer request)
      throws Exception {
    AdminApi admin = p.admin();
    String base = "/api/v1/tenants/" + tenant;
    admin.post("/api/v1/tenants", new JsonObject().put("name", tenant));
    admin.put(base + "/quota", quota);
    String key = admin.post(base + "/api-keys", new JsonObject().put("name", "bench")).getString("key");
    admin.post(base + "/models", new JsonObject().put("name", model));
    admin.upload(tenant, model, onnx);
    String id = admin.post(base + "/deployments", new JsonObject().put("model", model).put("replicas", 1))
        .getString("id");
    AdminApi.await(tenant + " deployment READY",
        () -> "READY".equals(admin.get(base + "/deployments/" + id).getString("state")), Duration.ofSeconds(90),
        p::logs);
    JsonObject replica = admin.get(base + "/deployments/" + id).getJsonArray("replicaStatus").getJsonObject(0);
    String agentId = replica.getJsonObject("agent").getString("id");
    // the replica's own serving URL: the model host that serves it (the agent's port serves no model)
    String agentUrl = admin.get("/api/v1/agents").getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("id").equals(agentId)).findFirst().orElseThrow().getJsonArray("replicas").stream()
        .map(JsonObject.class::cast).filter(r -> r.getString("id").equals(replica.getString("id"))).findFirst()
        .orElseThrow().getString("servingUrl");
    ServedModel served = new ServedModel(tenant, model, request, key, id, replica.getString("id"), agentUrl,
        Platform.servingKey(UUID.fromString(agentId)));
    for (ControlPlaneProcess cp : p.controlPlanes) {
      AdminApi.await(tenant + " served by " + cp.gatewayUrl(), () -> served.callOnce(admin, cp) == 200,
          Duration.ofSeconds(30), p::logs);
    }
    return served;
  }

  /** Inference through a gateway with the tenant's API key. */
  Target viaGateway(String name, ControlPlaneProcess cp) {
    return Target.json(name, cp.gatewayPort(), "/v2/models/" + model + "/infer", apiKey, request);
  }

  /** The direct call sent to {@code port} instead: a proxy there forwards it to the agent unchanged. */
  Target relayed(String name, int port) {
    Target direct = direct(name);
    return new Target(name, port, direct.path(), direct.headers(), direct.body());
  }

  /** Inference at the replica's model host with the agent's serving key, bypassing the gateway. */
  Target direct(String name) {
    int port = Integer.parseInt(agentUrl.replaceAll(".*:(\\d+)/?$", "$1"));
    return Target.json(name, port, "/v2/models/" + replicaId + "/infer", servingKey, request);
  }

  private int callOnce(AdminApi admin, ControlPlaneProcess cp) {
    return admin.http().postAbs(cp.gatewayUrl() + "/v2/models/" + model + "/infer").bearerTokenAuthentication(apiKey)
        .putHeader("Content-Type", "application/json").sendBuffer(request).await().statusCode();
  }

  private static Buffer mlpRequest() {
    Random random = new Random(7);
    JsonArray data = new JsonArray();
    for (int i = 0; i < 16; i++) {
      data.add(Float.parseFloat(String.format(Locale.ROOT, "%.4f", random.nextFloat())));
    }
    return new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
        .put("shape", new JsonArray().add(1).add(16)).put("datatype", "FP32").put("data", data))).toBuffer();
  }
}
