package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation, proven from the router itself: every admin route with a path parameter is called by tenant B's
 * admin with tenant A's objects (in A's path and in B's own path), and by B's API key. Any success fails the test,
 * and so does a route whose parameters the test does not know how to fill (a new route must be covered here).
 */
@DisplayName("Tenant isolation across every admin route, generated from the router")
class TenantIsolationTest {
  static ControlPlaneFixture cp;
  static String admin;
  static String adminB;
  static String keyB;
  static final Map<String, String> OBJECTS_OF_A = new LinkedHashMap<>();
  static final Pattern PARAM = Pattern.compile(":([A-Za-z0-9_]+)");

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "tenant-a"));
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "tenant-b"));
    String userA = cp.post(admin, "/api/v1/tenants/tenant-a/users", new JsonObject().put("username", "admin-a")
        .put("role", "tenant_admin").put("password", "password-of-admin-a")).getString("id");
    cp.post(admin, "/api/v1/tenants/tenant-b/users", new JsonObject().put("username", "admin-b")
        .put("role", "tenant_admin").put("password", "password-of-admin-b"));
    adminB = cp.login("admin-b@tenant-b", "password-of-admin-b");
    keyB = cp.post(adminB, "/api/v1/tenants/tenant-b/api-keys", new JsonObject().put("name", "b")).getString("key");
    String keyA = cp.post(admin, "/api/v1/tenants/tenant-a/api-keys", new JsonObject().put("name", "a"))
        .getString("id");
    cp.post(admin, "/api/v1/tenants/tenant-a/models", new JsonObject().put("name", "model-a"));
    String sha = cp.upload(admin, "tenant-a", "model-a", OnnxModels.mlp(2, 2, 2, 1)).getString("sha256");
    String deployment = cp.post(admin, "/api/v1/tenants/tenant-a/deployments",
        new JsonObject().put("model", "model-a")).getString("id");
    cp.client.putAbs(cp.adminUrl() + "/api/v1/tenants/tenant-a/models/model-a/aliases/prod")
        .bearerTokenAuthentication(admin).sendJsonObject(new JsonObject().put("version", 1)).await();
    OBJECTS_OF_A.put("alias", "prod");
    OBJECTS_OF_A.put("tenant", "tenant-a");
    OBJECTS_OF_A.put("model", "model-a");
    OBJECTS_OF_A.put("version", "1");
    OBJECTS_OF_A.put("sha256", sha);
    OBJECTS_OF_A.put("api-keys/:id", keyA);
    OBJECTS_OF_A.put("deployments/:id", deployment);
    OBJECTS_OF_A.put("users/:id", userA);
    OBJECTS_OF_A.put("enrollment-tokens/:id", cp.post(admin, "/api/v1/agents/enrollment-tokens", new JsonObject())
        .getString("id"));
    // agents belong to the platform, not a tenant (a live one here would take tenant A's replica and change state)
    OBJECTS_OF_A.put("agents/:id", java.util.UUID.randomUUID().toString());
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  /** Fills a route's parameters with A's objects; {@code ownTenant} puts B's tenant in the path instead. */
  static String fill(String path, boolean ownTenant) {
    StringBuilder out = new StringBuilder();
    Matcher m = PARAM.matcher(path);
    while (m.find()) {
      String name = m.group(1);
      String before = path.substring(0, m.start());
      String value;
      if (name.equals("id")) {
        String family = before.substring(before.lastIndexOf('/', before.length() - 2) + 1) + ":id";
        value = OBJECTS_OF_A.get(family);
      } else if (name.equals("tenant") && ownTenant) {
        value = "tenant-b";
      } else {
        value = OBJECTS_OF_A.get(name);
      }
      if (value == null) {
        throw new AssertionError("route " + path + " has parameter :" + name + " that this test cannot fill: "
            + "add the matching object of tenant A to the test");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Test
  @DisplayName("tenant B's admin and API key cannot read, change or delete any of tenant A's objects")
  void everyRouteKeepsTenantsApart() {
    long successesBefore = successEvents();
    List<String> covered = new ArrayList<>();
    Set<String> failures = new TreeSet<>();
    for (Route route : cp.verticle.adminRoutes()) {
      String path = route.getPath();
      if (path == null || !path.contains(":") || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      for (HttpMethod method : route.methods()) {
        boolean tenantScoped = path.contains(":tenant");
        String inA = fill(path, false);
        check(method, path, inA, adminB, tenantScoped ? Set.of(404) : Set.of(403, 404), failures);
        if (tenantScoped && PARAM.matcher(path.replace(":tenant", "")).find()) {
          check(method, path, fill(path, true), adminB, Set.of(404), failures);
        }
        check(method, path, inA, keyB, Set.of(401), failures);
        covered.add(method + " " + path);
      }
    }
    System.out.println("tenant isolation: " + covered.size() + " route/method pairs covered: " + covered);
    assertThat(failures).as("isolation failures").isEmpty();
    assertThat(covered).hasSizeGreaterThanOrEqualTo(15);
    assertThat(successEvents()).as("nothing changed").isEqualTo(successesBefore);

    // the data plane: B's key never reaches A's model
    for (String path : List.of("/v2/models/model-a", "/v2/models/model-a/ready", "/v2/models/model-a/versions/1")) {
      assertThat(cp.client.getAbs(cp.gatewayUrl() + path).bearerTokenAuthentication(keyB).send().await().statusCode())
          .as(path).isEqualTo(404);
    }
    assertThat(cp.client.postAbs(cp.gatewayUrl() + "/v2/models/model-a/infer").bearerTokenAuthentication(keyB)
        .sendJsonObject(new JsonObject().put("inputs", new io.vertx.core.json.JsonArray())).await().statusCode())
        .isEqualTo(404);
  }

  /** Valid bodies for routes that check their input before looking the object up (the default is {}). */
  static final Map<String, JsonObject> BODIES = Map.of(
      "PATCH /deployments/:id", new JsonObject().put("replicas", 1),
      "POST /deployments/:id/rollout", new JsonObject().put("version", 1).put("weight", 10),
      "POST /deployments/:id/promote", new JsonObject().put("version", 1),
      "PUT /aliases/:alias", new JsonObject().put("version", 1));

  static JsonObject bodyFor(HttpMethod method, String routePath) {
    return BODIES.entrySet().stream()
        .filter(e -> e.getKey().startsWith(method.name() + " ") && routePath.endsWith(e.getKey().substring(
            e.getKey().indexOf(' ') + 1)))
        .map(Map.Entry::getValue).findFirst().orElse(new JsonObject());
  }

  private static void check(HttpMethod method, String routePath, String path, String credential,
                            Set<Integer> expected, Set<String> failures) {
    var req = cp.client.requestAbs(method, cp.adminUrl() + path).bearerTokenAuthentication(credential);
    HttpResponse<Buffer> r = method == HttpMethod.GET || method == HttpMethod.DELETE
        ? req.send().await() : req.sendJsonObject(bodyFor(method, routePath)).await();
    if (!expected.contains(r.statusCode())) {
      failures.add(method + " " + path + " as " + (credential.startsWith("mmaas_") ? "B's key" : "B's admin")
          + " -> " + r.statusCode() + " (expected " + expected + "): " + r.bodyAsString());
    }
  }

  private static long successEvents() {
    try (var c = cp.db.connect(); var s = c.createStatement();
         var rs = s.executeQuery("SELECT count(*) FROM audit_events WHERE outcome = 'success' AND action <> 'auth.login'")) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
