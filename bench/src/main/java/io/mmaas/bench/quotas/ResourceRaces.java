package io.mmaas.bench.quotas;

import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.AdminApi;
import io.mmaas.bench.system.Platform;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Case b: {@value #CONCURRENT} concurrent model creations, version uploads and deployments, spread over both
 * control-plane replicas, each against a limit of {@value #LIMIT} (models, stored bytes worth ten versions,
 * replicas). No more than the limit may succeed.
 */
final class ResourceRaces {
  private static final int CONCURRENT = 50;
  private static final int LIMIT = 10;
  private static final String TENANT = "limits";
  private static final String BASE = "/api/v1/tenants/" + TENANT;

  private ResourceRaces() {
  }

  static void run(Platform p, Report report) {
    AdminApi admin = p.admin();
    admin.post("/api/v1/tenants", new JsonObject().put("name", TENANT));
    long modelBytes = OnnxModels.mlp(4, 8, 3, 0).length;

    admin.put(BASE + "/quota", new JsonObject().put("maxModels", LIMIT));
    Map<Integer, Integer> models = race(p, HttpMethod.POST, "/models",
        i -> new JsonObject().put("name", "m" + i));

    admin.put(BASE + "/quota", new JsonObject().put("maxModels", CONCURRENT * 2)
        .put("maxStorageBytes", LIMIT * modelBytes));
    for (int i = 0; i < CONCURRENT; i++) {
      if (admin.send(url(p, 0), HttpMethod.GET, BASE + "/models/m" + i, null).await().statusCode() == 404) {
        admin.post(BASE + "/models", new JsonObject().put("name", "m" + i));
      }
    }
    Map<Integer, Integer> uploads = raceUploads(p);

    admin.put(BASE + "/quota", new JsonObject().put("maxStorageBytes", 1L << 40).put("maxReplicas", LIMIT));
    for (int i = 0; i < CONCURRENT; i++) {
      if (admin.get(BASE + "/models/m" + i + "/versions").getJsonArray("items").isEmpty()) {
        admin.upload(TENANT, "m" + i, OnnxModels.mlp(4, 8, 3, i));
      }
    }
    Map<Integer, Integer> deploys = race(p, HttpMethod.POST, "/deployments",
        i -> new JsonObject().put("model", "m" + i).put("replicas", 1));

    report.md("\n## b. Resource limits under concurrent requests\n\n")
        .line("%d concurrent requests, alternating between the two control-plane replicas, against a limit of %d.%n",
            CONCURRENT, LIMIT)
        .md("| request | limit | answers by status |\n|---|---|---|\n")
        .line("| create model | %d models | %s |", LIMIT, models)
        .line("| upload version (%d bytes each) | %d × %d bytes stored | %s |", modelBytes, LIMIT, modelBytes, uploads)
        .line("| create deployment (1 replica) | %d replicas | %s |", LIMIT, deploys);
    report.json().put("b_resource_limits", new JsonObject().put("concurrent", CONCURRENT).put("limit", LIMIT)
        .put("createModel", json(models)).put("uploadVersion", json(uploads)).put("createDeployment", json(deploys)));
  }

  private static Map<Integer, Integer> race(Platform p, HttpMethod method, String path, IntFunction<JsonObject> body) {
    return collect(p, i -> p.admin().send(url(p, i), method, BASE + path, body.apply(i)));
  }

  private static Map<Integer, Integer> raceUploads(Platform p) {
    return collect(p, i -> p.admin().send(url(p, i), HttpMethod.POST, BASE + "/models/m" + i + "/versions",
        OnnxModels.mlp(4, 8, 3, i)));
  }

  private static Map<Integer, Integer> collect(Platform p, IntFunction<Future<HttpResponse<Buffer>>> send) {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < CONCURRENT; i++) {
      all.add(send.apply(i));
    }
    Future.join(all).otherwiseEmpty().await();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    all.forEach(f -> byStatus.merge(f.succeeded() ? f.result().statusCode() : 0, 1, Integer::sum));
    return byStatus;
  }

  private static String url(Platform p, int i) {
    return p.controlPlanes.get(i % p.controlPlanes.size()).adminUrl();
  }

  private static JsonObject json(Map<Integer, Integer> byStatus) {
    JsonObject j = new JsonObject();
    byStatus.forEach((k, v) -> j.put(Integer.toString(k), v));
    return j;
  }
}
