package io.mmaas.controlplane.tenants;

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

@DisplayName("A suspended tenant can be read and wound down, not grown or changed, by its admins or anyone")
class SuspensionTest {
  static ControlPlaneFixture cp;
  static String admin;
  static String tenantAdmin;
  static String deployment;
  static String keyId;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "frozen"));
    cp.post(admin, "/api/v1/tenants/frozen/users", new JsonObject().put("username", "frozen-admin")
        .put("role", "tenant_admin").put("password", "a-long-enough-password"));
    tenantAdmin = cp.login("frozen-admin@frozen", "a-long-enough-password");
    cp.post(tenantAdmin, "/api/v1/tenants/frozen/models", new JsonObject().put("name", "m"));
    cp.upload(tenantAdmin, "frozen", "m", OnnxModels.mlp(2, 3, 2, 1));
    deployment = cp.post(tenantAdmin, "/api/v1/tenants/frozen/deployments", new JsonObject().put("model", "m"))
        .getString("id");
    keyId = cp.post(tenantAdmin, "/api/v1/tenants/frozen/api-keys", new JsonObject().put("name", "k")).getString("id");
    assertThat(call(admin, HttpMethod.POST, "/api/v1/tenants/frozen/suspend", null).statusCode()).isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  // the policy is checked before anything is looked up, so these hold whichever test runs first
  @Test
  @DisplayName("uploads, new models, deployments and their changes, keys and users are refused with tenant_suspended")
  void changesRefused() {
    for (String token : new String[] {tenantAdmin, admin}) {
      HttpResponse<Buffer> upload = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/frozen/models/m/versions")
          .bearerTokenAuthentication(token).putHeader("Content-Type", "application/octet-stream")
          .sendBuffer(Buffer.buffer(OnnxModels.mlp(2, 3, 2, 2))).await();
      assertSuspended(upload);
      assertSuspended(call(token, HttpMethod.POST, "/api/v1/tenants/frozen/models", new JsonObject().put("name", "m2")));
      assertSuspended(call(token, HttpMethod.PATCH, "/api/v1/tenants/frozen/deployments/" + deployment,
          new JsonObject().put("replicas", 2)));
      assertSuspended(call(token, HttpMethod.PUT, "/api/v1/tenants/frozen/models/m/aliases/prod",
          new JsonObject().put("version", 1)));
      assertSuspended(call(token, HttpMethod.POST, "/api/v1/tenants/frozen/api-keys", new JsonObject().put("name", "k2")));
      assertSuspended(call(token, HttpMethod.POST, "/api/v1/tenants/frozen/api-keys/" + keyId + "/rotate",
          new JsonObject()));
      assertSuspended(call(token, HttpMethod.POST, "/api/v1/tenants/frozen/users", new JsonObject()
          .put("username", "frozen-2").put("role", "auditor")));
    }
    assertThat(cp.count("model_versions")).isEqualTo(1);
  }

  @Test
  @DisplayName("reads, the audit log, revoking a key and deleting a deployment still work")
  void readsAndWindingDownWork() {
    assertThat(call(tenantAdmin, HttpMethod.GET, "/api/v1/tenants/frozen/models/m/versions", null).statusCode())
        .isEqualTo(200);
    assertThat(call(tenantAdmin, HttpMethod.GET, "/api/v1/tenants/frozen/deployments", null).statusCode())
        .isEqualTo(200);
    assertThat(call(tenantAdmin, HttpMethod.GET, "/api/v1/audit-events?limit=5", null).statusCode()).isEqualTo(200);
    assertThat(call(tenantAdmin, HttpMethod.DELETE, "/api/v1/tenants/frozen/api-keys/" + keyId, null).statusCode())
        .isEqualTo(200);
    assertThat(call(tenantAdmin, HttpMethod.DELETE, "/api/v1/tenants/frozen/deployments/" + deployment, null)
        .statusCode()).isEqualTo(204);
  }

  private static void assertSuspended(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("tenant_suspended");
  }

  private static HttpResponse<Buffer> call(String token, HttpMethod method, String path, JsonObject body) {
    var req = cp.client.requestAbs(method, cp.adminUrl() + path).bearerTokenAuthentication(token);
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }
}
