package io.mmaas.agent.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Stands in for the control plane's agent API, exactly per the contract: enroll with a token, heartbeat with the
 * agent credential returning a scripted desired state, artifacts by hash. Records what the agent sent, and lets a
 * test wait for a heartbeat matching a condition instead of sleeping.
 */
public final class FakeControlPlane extends VerticleBase {
  public static final String TOKEN = "enrollment-token-for-tests";

  public final String agentId = UUID.randomUUID().toString();
  public final String credential = "credential-" + UUID.randomUUID();
  public final String servingKey = "serving-key-" + UUID.randomUUID();
  public final AtomicInteger enrollCalls = new AtomicInteger();
  public final AtomicInteger artifactCalls = new AtomicInteger();

  private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private volatile JsonObject desired = desiredState(0, new JsonArray());
  private volatile JsonObject lastEnrollment;
  private volatile int heartbeatStatus = 200;
  private volatile JsonObject servingKeyOffer;
  private HttpServer server;

  private record Waiter(Predicate<JsonObject> condition, Promise<JsonObject> promise) {}

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/agent/v1/*").handler(BodyHandler.create(false));
    router.post("/agent/v1/enroll").handler(this::enroll);
    router.post("/agent/v1/heartbeat").handler(this::heartbeat);
    router.get("/agent/v1/artifacts/:sha256").handler(this::artifact);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onSuccess(s -> server = s);
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Serves {@code bytes} under their SHA-256; returns the replica entry a desired state lists. */
  public JsonObject offer(String replicaId, String modelName, long version, byte[] bytes) {
    String sha256 = sha256(bytes);
    artifacts.put(sha256, bytes);
    return replica(replicaId, modelName, version, sha256, bytes.length);
  }

  /** As {@link #offer(String, String, long, byte[])}, for a replica of {@code tenantId}. */
  public JsonObject offer(String replicaId, String modelName, long version, byte[] bytes, String tenantId) {
    return offer(replicaId, modelName, version, bytes).put("tenantId", tenantId).put("deploymentId", "d-" + replicaId);
  }

  /** Serves {@code wrongBytes} under the hash of {@code bytes} (a corrupted store). */
  public JsonObject offerCorrupted(String replicaId, byte[] bytes, byte[] wrongBytes) {
    String sha256 = sha256(bytes);
    artifacts.put(sha256, wrongBytes);
    return replica(replicaId, "broken", 1, sha256, bytes.length);
  }

  private static JsonObject replica(String replicaId, String modelName, long version, String sha256, long size) {
    return new JsonObject()
        .put("replicaId", replicaId)
        .put("modelName", modelName)
        .put("version", version)
        .put("sha256", sha256)
        .put("sizeBytes", size)
        .put("artifactUrl", "/agent/v1/artifacts/" + sha256)
        .put("runtime", new JsonObject().put("intraOpThreads", 1).put("interOpThreads", 1));
  }

  /** From now on every heartbeat is answered with this generation and these replicas. */
  public void desire(long generation, JsonObject... replicas) {
    desired = desiredState(generation, new JsonArray(List.of((Object[]) replicas)));
  }

  private static JsonObject desiredState(long generation, JsonArray replicas) {
    return new JsonObject().put("generation", generation).put("heartbeatIntervalSeconds", 1).put("replicas", replicas);
  }

  /**
   * Rotates the agent's serving key as the control plane does: from now on each answer carries
   * {@code servingKey {generation, overlapMillis}}, with the key while the heartbeat reports another generation.
   */
  public void rotateServingKey(int generation, String key, long overlapMillis) {
    servingKeyOffer = new JsonObject().put("generation", generation).put("key", key)
        .put("overlapMillis", overlapMillis);
  }

  /** Answers heartbeats with this status and no desired state (e.g. 503: its database is down), or 200 again. */
  public void answerHeartbeatsWith(int status) {
    heartbeatStatus = status;
  }

  /** The next heartbeat received after this call that matches {@code condition}. */
  public Future<JsonObject> awaitHeartbeat(Predicate<JsonObject> condition) {
    Promise<JsonObject> promise = Promise.promise();
    synchronized (waiters) {
      waiters.add(new Waiter(condition, promise));
    }
    return promise.future();
  }

  public JsonObject lastEnrollment() {
    return lastEnrollment;
  }

  /** The state the heartbeat reports for a replica, or null when it does not list it. */
  public static String stateOf(JsonObject heartbeat, String replicaId) {
    return replicaOf(heartbeat, replicaId).map(r -> r.getString("state")).orElse(null);
  }

  public static java.util.Optional<JsonObject> replicaOf(JsonObject heartbeat, String replicaId) {
    return heartbeat.getJsonArray("replicas").stream()
        .map(JsonObject.class::cast)
        .filter(r -> replicaId.equals(r.getString("replicaId")))
        .findFirst();
  }

  private void enroll(RoutingContext ctx) {
    enrollCalls.incrementAndGet();
    JsonObject body = ctx.body().asJsonObject();
    lastEnrollment = body;
    if (!TOKEN.equals(body.getString("token"))) {
      ctx.response().setStatusCode(401).end(new JsonObject().put("error", "bad enrollment token").encode());
      return;
    }
    ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(new JsonObject()
        .put("agentId", agentId)
        .put("credential", credential)
        .put("servingKey", servingKey)
        .encode());
  }

  private void heartbeat(RoutingContext ctx) {
    if (!("Bearer " + credential).equals(ctx.request().getHeader("Authorization"))) {
      ctx.response().setStatusCode(401).end(new JsonObject().put("error", "unknown credential").encode());
      return;
    }
    JsonObject body = ctx.body().asJsonObject();
    JsonObject answer = desired;
    List<Waiter> matched = new ArrayList<>();
    synchronized (waiters) {
      waiters.removeIf(w -> w.condition().test(body) && matched.add(w));
    }
    matched.forEach(w -> w.promise().complete(body));
    if (heartbeatStatus != 200) {
      ctx.response().setStatusCode(heartbeatStatus).end(new JsonObject().put("error", "unavailable").encode());
      return;
    }
    JsonObject offer = servingKeyOffer;
    if (offer != null) {
      JsonObject key = offer.copy();
      if (offer.getInteger("generation").equals(body.getInteger("servingKeyGeneration"))) {
        key.remove("key");
      }
      answer = answer.copy().put("servingKey", key);
    }
    ctx.response().putHeader("Content-Type", "application/json").end(answer.encode());
  }

  private void artifact(RoutingContext ctx) {
    artifactCalls.incrementAndGet();
    if (!("Bearer " + credential).equals(ctx.request().getHeader("Authorization"))) {
      ctx.response().setStatusCode(401).end();
      return;
    }
    byte[] bytes = artifacts.get(ctx.pathParam("sha256"));
    if (bytes == null) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    ctx.response().putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(bytes));
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
