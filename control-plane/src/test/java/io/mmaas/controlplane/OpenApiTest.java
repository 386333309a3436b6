package io.mmaas.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The served OpenAPI document describes every admin route")
class OpenApiTest {
  static ControlPlaneFixture cp;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("every method and path of the router appears in /api/v1/openapi.yaml, served without sign-in")
  void documentCoversRouter() {
    var r = cp.client.getAbs(cp.adminUrl() + "/api/v1/openapi.yaml").send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    String doc = r.bodyAsString();
    List<String> missing = new ArrayList<>();
    for (Route route : cp.verticle.adminRoutes()) {
      if (route.getPath() == null || route.methods() == null || !route.getPath().startsWith("/api/")) {
        continue;
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      int at = doc.indexOf("\n  " + path + ":\n");
      if (at < 0) {
        missing.add(path);
        continue;
      }
      int end = doc.indexOf("\n  /", at + 1);
      String block = doc.substring(at, end < 0 ? doc.length() : end);
      for (HttpMethod m : route.methods()) {
        if (!block.contains("\n    " + m.name().toLowerCase(Locale.ROOT) + ":")) {
          missing.add(m + " " + path);
        }
      }
    }
    assertThat(missing).as("routes missing from the OpenAPI document").isEmpty();
  }
}
