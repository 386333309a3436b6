package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Registry lifecycle: aliases with signature checks, diffs, and deletes refused while in use")
class RegistryLifecycleTest {
  static ControlPlaneFixture cp;
  static String admin;
  static final String BASE = "/api/v1/tenants/reg/models/clf";

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "reg"));
    cp.post(admin, "/api/v1/tenants/reg/models", new JsonObject().put("name", "clf"));
    cp.upload(admin, "reg", "clf", OnnxModels.mlp(4, 8, 3, 1));   // v1
    cp.upload(admin, "reg", "clf", OnnxModels.mlp(4, 6, 3, 2));   // v2: same signature, other weights
    cp.upload(admin, "reg", "clf", OnnxModels.mlp(4, 8, 2, 3));   // v3: output shape [-1,2] breaks clients
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  static HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    var req = cp.client.requestAbs(method, cp.adminUrl() + path).bearerTokenAuthentication(admin);
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  @Test
  @DisplayName("moving 'prod' to a compatible version works; to an incompatible one needs force, and says why")
  void aliases() {
    HttpResponse<Buffer> first = call(HttpMethod.PUT, BASE + "/aliases/prod", new JsonObject().put("version", 1));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.bodyAsJsonObject().getValue("previousVersion")).isNull();
    HttpResponse<Buffer> compatible = call(HttpMethod.PUT, BASE + "/aliases/prod", new JsonObject().put("version", 2));
    assertThat(compatible.statusCode()).isEqualTo(200);
    assertThat(compatible.bodyAsJsonObject().getJsonObject("diff").getBoolean("compatible")).isTrue();

    long audit = cp.auditCount();
    HttpResponse<Buffer> refused = call(HttpMethod.PUT, BASE + "/aliases/prod", new JsonObject().put("version", 3));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("not signature-compatible")
        .contains("shape [-1,3] -> [-1,2]");
    JsonObject error = refused.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("incompatible_signature");
    assertThat(error.getJsonObject("details").getInteger("currentVersion")).isEqualTo(2);
    assertThat(error.getJsonObject("details").getJsonObject("diff").getBoolean("compatible")).isFalse();
    assertThat(cp.auditCount()).isEqualTo(audit);
    HttpResponse<Buffer> forced = call(HttpMethod.PUT, BASE + "/aliases/prod",
        new JsonObject().put("version", 3).put("force", true));
    assertThat(forced.statusCode()).isEqualTo(200);
    assertThat(forced.bodyAsJsonObject().getBoolean("forced")).isTrue();
    assertThat(cp.get(admin, BASE + "/aliases").getJsonArray("items").getJsonObject(0).getInteger("version")).isEqualTo(3);
    assertThat(call(HttpMethod.PUT, BASE + "/aliases/Bad!", new JsonObject().put("version", 1)).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.PUT, BASE + "/aliases/canary", new JsonObject().put("version", 99)).statusCode())
        .isEqualTo(404);
  }

  @Test
  @DisplayName("a version's description and metadata can be annotated (audited); its content cannot change")
  void annotate() {
    HttpResponse<Buffer> r = call(HttpMethod.PATCH, BASE + "/versions/1", new JsonObject().put("description", "baseline")
        .put("metadata", new JsonObject().put("dataset", "iris-2026").put("auc", 0.97)));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject v = cp.get(admin, BASE + "/versions/1");
    assertThat(v.getString("description")).isEqualTo("baseline");
    assertThat(v.getJsonObject("metadata").getString("dataset")).isEqualTo("iris-2026");
    assertThat(call(HttpMethod.PATCH, BASE + "/versions/1", new JsonObject().put("sha256", "x")).statusCode())
        .isEqualTo(400);
    assertThat(call(HttpMethod.PATCH, BASE + "/versions/1", new JsonObject().put("metadata", "not an object"))
        .statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("warm-up samples are OIP requests checked against the version's inputs; a bad one is a 400 naming it")
  void warmUpSamples() {
    JsonObject sample = new JsonObject().put("inputs", new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("name", "input").put("datatype", "FP32").put("shape", new io.vertx.core.json.JsonArray().add(1).add(4))
        .put("data", new io.vertx.core.json.JsonArray().add(1).add(2).add(3).add(4))));
    HttpResponse<Buffer> ok = call(HttpMethod.PATCH, BASE + "/versions/2",
        new JsonObject().put("warmUpSamples", new io.vertx.core.json.JsonArray().add(sample)));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(cp.get(admin, BASE + "/versions/2").getInteger("warmUpSamples")).isEqualTo(1);

    long audit = cp.auditCount();
    JsonObject wrongName = sample.copy();
    wrongName.getJsonArray("inputs").getJsonObject(0).put("name", "pixels");
    HttpResponse<Buffer> bad = call(HttpMethod.PATCH, BASE + "/versions/2",
        new JsonObject().put("warmUpSamples", new io.vertx.core.json.JsonArray().add(sample).add(wrongName)));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getJsonObject("error").getString("message"))
        .isEqualTo("warmUpSamples[1].inputs[0]: the version has no input named 'pixels'");
    JsonObject wrongType = sample.copy();
    wrongType.getJsonArray("inputs").getJsonObject(0).put("datatype", "INT64");
    assertThat(call(HttpMethod.PATCH, BASE + "/versions/2", new JsonObject().put("warmUpSamples",
        new io.vertx.core.json.JsonArray().add(wrongType))).statusCode()).isEqualTo(400);
    io.vertx.core.json.JsonArray nine = new io.vertx.core.json.JsonArray();
    for (int i = 0; i < 9; i++) {
      nine.add(sample);
    }
    assertThat(call(HttpMethod.PATCH, BASE + "/versions/2", new JsonObject().put("warmUpSamples", nine)).statusCode())
        .isEqualTo(400);
    assertThat(call(HttpMethod.PATCH, BASE + "/versions/2", new JsonObject().put("warmUpSamples", "zeros"))
        .statusCode()).isEqualTo(400);
    assertThat(cp.get(admin, BASE + "/versions/2").getInteger("warmUpSamples")).as("nothing changed").isEqualTo(1);
    assertThat(cp.auditCount()).as("refusals change nothing").isEqualTo(audit);
  }

  @Test
  @DisplayName("a deployment can name the version through an alias")
  void deployByAlias() {
    cp.post(admin, "/api/v1/tenants/reg/models", new JsonObject().put("name", "aliased"));
    cp.upload(admin, "reg", "aliased", OnnxModels.mlp(2, 2, 2, 1));
    cp.upload(admin, "reg", "aliased", OnnxModels.mlp(2, 2, 2, 2));
    assertThat(call(HttpMethod.PUT, "/api/v1/tenants/reg/models/aliased/aliases/prod", new JsonObject().put("version", 1))
        .statusCode()).isEqualTo(200);
    JsonObject d = cp.post(admin, "/api/v1/tenants/reg/deployments", new JsonObject().put("model", "aliased")
        .put("alias", "prod"));
    assertThat(d.getInteger("version")).isEqualTo(1);
    assertThat(call(HttpMethod.POST, "/api/v1/tenants/reg/deployments", new JsonObject().put("model", "aliased")
        .put("alias", "prod").put("version", 2)).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("the signature diff names what changed between two versions")
  void diff() {
    JsonObject d = cp.get(admin, BASE + "/versions/3/diff?against=1");
    assertThat(d.getBoolean("compatible")).isFalse();
    assertThat(d.getJsonObject("outputs").getJsonArray("changed").getJsonObject(0).getString("name")).isEqualTo("output");
    assertThat(cp.get(admin, BASE + "/versions/2/diff").getBoolean("compatible")).isTrue();
  }

  @Test
  @DisplayName("a deployed version and a deployed model cannot be deleted; once undeployed they can")
  void deletes() {
    cp.post(admin, "/api/v1/tenants/reg/models", new JsonObject().put("name", "gone"));
    cp.upload(admin, "reg", "gone", OnnxModels.mlp(2, 2, 2, 9));
    cp.upload(admin, "reg", "gone", OnnxModels.mlp(2, 2, 2, 10));
    String dep = cp.post(admin, "/api/v1/tenants/reg/deployments", new JsonObject().put("model", "gone").put("version", 1))
        .getString("id");
    String gone = "/api/v1/tenants/reg/models/gone";
    assertThat(call(HttpMethod.DELETE, gone + "/versions/1", null).statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.DELETE, gone, null).statusCode()).isEqualTo(409);
    long storage = cp.get(admin, "/api/v1/tenants/reg/quota").getJsonObject("usage").getLong("storageBytes");
    assertThat(call(HttpMethod.DELETE, gone + "/versions/2", null).statusCode()).isEqualTo(204);
    assertThat(cp.get(admin, "/api/v1/tenants/reg/quota").getJsonObject("usage").getLong("storageBytes")).isLessThan(storage);
    assertThat(call(HttpMethod.GET, gone + "/versions/2", null).statusCode()).isEqualTo(404);
    assertThat(cp.get(admin, gone + "/versions").getJsonArray("items")).as("deleted versions are not listed").hasSize(1);
    assertThat(call(HttpMethod.DELETE, "/api/v1/tenants/reg/deployments/" + dep, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.DELETE, gone, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, gone, null).statusCode()).isEqualTo(404);
    // the next version number is never reused
    cp.post(admin, "/api/v1/tenants/reg/models", new JsonObject().put("name", "gone"));
    assertThat(cp.upload(admin, "reg", "gone", OnnxModels.mlp(2, 2, 2, 11)).getInteger("version")).isEqualTo(1);
  }
}
