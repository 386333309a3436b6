package io.mmaas.conformance;

import io.mmaas.onnx.OnnxTestCase;
import io.mmaas.onnx.TensorProto;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Serves test cases through a running platform, the way tenants would: per group of cases a fresh tenant (its quota
 * raised out of the way; each tenant gets a model host of its own), every model created, uploaded through the admin
 * API and deployed with one replica; once all are READY or FAILED, each READY one is called through the gateway with
 * its inputs in the binary tensor extension and its answer compared with the expected outputs; then the
 * deployments are deleted (the hosts stop). Call from a plain thread, never an event loop: it blocks.
 */
public final class ServedRun {
  /** How to reach the platform: the admin API as a platform admin, and the gateway. */
  public record Access(WebClient http, String adminUrl, String adminToken, String gatewayUrl) {}

  private final Access access;
  private final Duration readyTimeout;
  private final Consumer<String> progress;
  private int tenantCount;

  public ServedRun(Access access, Duration readyTimeout, Consumer<String> progress) {
    this.access = access;
    this.readyTimeout = readyTimeout;
    this.progress = progress;
  }

  /** Serves one batch, one tenant per group, all at once; returns for every case null when served correctly, else why not. */
  public Map<String, String> serveBatch(List<List<OnnxTestCase>> groups) throws Exception {
    Map<String, String> verdicts = new LinkedHashMap<>();
    List<Tenant> tenants = new java.util.ArrayList<>();
    for (List<OnnxTestCase> group : groups) {
      Tenant t = createTenant();
      tenants.add(t);
      for (OnnxTestCase c : group) {
        verdicts.put(c.name(), null);
        t.cases.add(c);
        String refused = deploy(t, c);
        if (refused != null) {
          verdicts.put(c.name(), refused);
        }
      }
    }
    for (Tenant t : tenants) {
      Map<String, JsonObject> settled = awaitSettled(t.base, t.deployments);
      for (OnnxTestCase c : t.cases) {
        if (!t.deployments.containsKey(c.name())) {
          continue;
        }
        JsonObject d = settled.get(c.name());
        if (d == null || !"READY".equals(d.getString("state"))) {
          verdicts.put(c.name(), d == null ? "not READY within " + readyTimeout
              : "deployment " + d.getString("state") + ": " + d.getJsonArray("reasons").encode());
          continue;
        }
        verdicts.put(c.name(), call(t.key, c));
      }
    }
    for (Tenant t : tenants) {
      for (String id : t.deployments.values()) {
        expect(admin(HttpMethod.DELETE, t.base + "/deployments/" + id, null), 204, "delete deployment");
      }
    }
    return verdicts;
  }

  /** A tenant of this run: its models' deployment ids by model name. */
  private static final class Tenant {
    final String base;
    final String key;
    final List<OnnxTestCase> cases = new java.util.ArrayList<>();
    final Map<String, String> deployments = new LinkedHashMap<>();

    Tenant(String base, String key) {
      this.base = base;
      this.key = key;
    }
  }

  private Tenant createTenant() {
    String tenant = "conformance-" + (++tenantCount);
    String base = "/api/v1/tenants/" + tenant;
    expect(admin(HttpMethod.POST, "/api/v1/tenants", new JsonObject().put("name", tenant)), 201, "create tenant");
    expect(admin(HttpMethod.PUT, base + "/quota", new JsonObject().put("requestsPerSecond", 100_000)
        .put("burst", 100_000).put("maxModels", 10_000).put("maxReplicas", 10_000)
        .put("maxStorageBytes", 1L << 40)), 200, "raise quota");
    String key = expect(admin(HttpMethod.POST, base + "/api-keys", new JsonObject().put("name", "conformance")), 201,
        "create API key").bodyAsJsonObject().getString("key");
    return new Tenant(base, key);
  }

  /** Creates, uploads and deploys the case's model; null when deployed, else why not. */
  private String deploy(Tenant t, OnnxTestCase c) throws java.io.IOException {
    HttpResponse<Buffer> r = admin(HttpMethod.POST, t.base + "/models", new JsonObject().put("name", c.name()));
    if (r.statusCode() == 201) {
      r = access.http().postAbs(access.adminUrl() + t.base + "/models/" + c.name() + "/versions")
          .bearerTokenAuthentication(access.adminToken()).putHeader("Content-Type", "application/octet-stream")
          .sendBuffer(Buffer.buffer(Files.readAllBytes(c.model()))).await();
    }
    if (r.statusCode() != 201) {
      return "upload refused: " + r.statusCode() + " " + OipBinary.abbreviate(r.body());
    }
    r = admin(HttpMethod.POST, t.base + "/deployments", new JsonObject().put("model", c.name()).put("replicas", 1));
    if (r.statusCode() != 201) {
      return "deployment refused: " + r.statusCode() + " " + OipBinary.abbreviate(r.body());
    }
    t.deployments.put(c.name(), r.bodyAsJsonObject().getString("id"));
    return null;
  }

  /** Polls the tenant's deployments until each is READY or FAILED, or the timeout; returns the last seen. */
  private Map<String, JsonObject> awaitSettled(String base, Map<String, String> deployments) throws Exception {
    Instant deadline = Instant.now().plus(readyTimeout);
    Map<String, JsonObject> seen = new LinkedHashMap<>();
    while (true) {
      seen.clear();
      String after = null;
      do {
        JsonObject page = expect(admin(HttpMethod.GET, base + "/deployments?limit=200"
            + (after == null ? "" : "&after=" + after), null), 200, "list deployments").bodyAsJsonObject();
        page.getJsonArray("items").forEach(o -> {
          JsonObject d = (JsonObject) o;
          seen.put(d.getString("model"), d);
        });
        after = page.getString("nextCursor");
      } while (after != null);
      long pending = deployments.keySet().stream().filter(m -> seen.get(m) == null
          || "PROGRESSING".equals(seen.get(m).getString("state"))).count();
      if (pending == 0 || Instant.now().isAfter(deadline)) {
        if (pending > 0) {
          progress.accept(pending + " deployments still PROGRESSING after " + readyTimeout);
          deployments.keySet().forEach(m -> {
            if (seen.get(m) != null && "PROGRESSING".equals(seen.get(m).getString("state"))) {
              seen.remove(m);
            }
          });
        }
        return Map.copyOf(seen);
      }
      Thread.sleep(250);
    }
  }

  /** Calls the model through the gateway; null when the answer matches the expected outputs. */
  private String call(String key, OnnxTestCase c) throws InterruptedException {
    OipBinary.Request req = OipBinary.request(c.inputData());
    Instant deadline = Instant.now().plusSeconds(15);
    HttpResponse<Buffer> r;
    while (true) {
      r = access.http().postAbs(access.gatewayUrl() + "/v2/models/" + c.name() + "/infer")
          .bearerTokenAuthentication(key).putHeader("Content-Type", "application/octet-stream")
          .putHeader("Inference-Header-Content-Length", Integer.toString(req.headerLength()))
          .sendBuffer(req.body()).await();
      // 503 until the gateway's routing table has the new replica (it follows the database within a moment)
      if (r.statusCode() != 503 || Instant.now().isAfter(deadline)) {
        break;
      }
      Thread.sleep(100);
    }
    if (r.statusCode() != 200) {
      return "inference answered " + r.statusCode() + ": " + OipBinary.abbreviate(r.body());
    }
    try {
      List<TensorProto> got = OipBinary.outputs(r.body(), r.getHeader("Inference-Header-Content-Length"));
      return Reference.compare(c.expected(), got);
    } catch (RuntimeException e) {
      return "answer not readable: " + Reference.oneLine(e);
    }
  }

  private HttpResponse<Buffer> admin(HttpMethod method, String path, JsonObject body) {
    var req = access.http().requestAbs(method, access.adminUrl() + path).bearerTokenAuthentication(access.adminToken());
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  private static HttpResponse<Buffer> expect(HttpResponse<Buffer> r, int status, String what) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(what + ": expected " + status + " but got " + r.statusCode() + ": "
          + r.bodyAsString());
    }
    return r;
  }
}
