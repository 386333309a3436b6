package io.mmaas.console.features;

import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.mmaas.console.support.FakeAdminApi.Received;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Changing a deployment from its page: scale, canary rollout, promote, rollback, delete")
class DeploymentChangesTest {
  private static final String PAGE = "/tenants/acme/deployments/d-1";
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      fixture.api.addVersion(2, 4);
      testContext.completeNow();
    }));
  }

  @Test
  @DisplayName("The page shows each target's weight and ready/desired replicas and the API's reasons; rollback is offered only when the API allows it")
  void targetsAndReasons(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(PAGE))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("<tr data-version=\"1\" class=\"target\">")
              .contains("<meter min=\"0\" max=\"100\" value=\"100\">100%</meter>").contains("1 / 2")
              .contains("<li>v1: no agent has 2 GiB of free memory</li>")
              .contains("<option value=\"2\">v2</option>").contains("id=\"delete-deployment\"")
              .doesNotContain("id=\"rollback\"");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A deployment with quarantined replicas offers a retry, which the API is asked for; none is offered otherwise")
  void retryQuarantined(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(PAGE))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).doesNotContain("id=\"retry\""));
          fixture.api.deployment("d-1").put("quarantinedReplicas", 1).put("reasons", new JsonArray()
              .add("v1: quarantined: crashed its runtime 3 times in 10 min: SIGFPE during inference"));
          return b.get(PAGE);
        })
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body())
              .contains("<li>v1: quarantined: crashed its runtime 3 times in 10 min: SIGFPE during inference</li>")
              .contains("Retry the quarantined replicas (1)"));
          return b.submit(PAGE + "/retry", page.csrfToken());
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("The quarantined replicas load again").doesNotContain("id=\"retry\"");
          assertThat(fixture.api.received()).filteredOn(r -> r.method().equals("POST")
              && r.path().endsWith("/deployments/d-1/retry")).hasSize(1);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A canary rollout sends the version and weight, promote moves all traffic, rollback restores, a second rollback shows the API's 409")
  void canaryPromoteRollback(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(PAGE))
        .compose(page -> b.submit(PAGE + "/rollout", page.csrfToken(), "version", "2", "weight", "20", "replicas", ""))
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.body()).contains("Rolling out v2 to 20% of traffic")
                .contains("<span id=\"deployment-traffic\">v1 80% · v2 20%</span>").contains("id=\"rollback\"");
            assertThat(weights()).isEqualTo("1:80,2:20");
          });
          return b.submit(PAGE + "/promote", page.csrfToken(), "version", "2");
        })
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.body()).contains("Promoting v2 to all traffic");
            assertThat(weights()).isEqualTo("1:0,2:100");
          });
          return b.submit(PAGE + "/rollback", page.csrfToken());
        })
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.body()).contains("Rolled back");
            assertThat(weights()).isEqualTo("1:80,2:20");
          });
          return b.submit(PAGE + "/rollback", page.csrfToken());
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("class=\"notice error\"")
              .contains("there is no previous state to roll back to");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Scaling checks the number before calling PATCH; deleting calls DELETE and returns to the list")
  void scaleAndDelete(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(PAGE))
        .compose(page -> b.submit(PAGE + "/scale", page.csrfToken(), "replicas", "0"))
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.body()).contains("Replicas must be a whole number from 1 to 64.");
            assertThat(fixture.api.received()).extracting(Received::method).doesNotContain("PATCH");
          });
          return b.submit(PAGE + "/scale", page.csrfToken(), "replicas", "3");
        })
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.body()).contains("Scaled to 3 replicas");
            assertThat(fixture.api.deployment("d-1").getJsonArray("targets").getJsonObject(0).getInteger("replicas"))
                .isEqualTo(3);
          });
          return b.submit(PAGE + "/delete", page.csrfToken());
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("Deployment deleted").contains("No deployments yet.");
          assertThat(fixture.api.deployment("d-1")).isNull();
          testContext.completeNow();
        })));
  }

  /** "version:weight,…" of the fake's deployment d-1. */
  private String weights() {
    JsonArray targets = fixture.api.deployment("d-1").getJsonArray("targets");
    StringBuilder s = new StringBuilder();
    targets.forEach(t -> s.append(s.length() == 0 ? "" : ",").append(((JsonObject) t).getInteger("version"))
        .append(':').append(((JsonObject) t).getInteger("weight")));
    return s.toString();
  }
}
