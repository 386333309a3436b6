package io.mmaas.console.features;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static io.mmaas.console.support.FakeAdminApi.AUDITOR;
import static io.mmaas.console.support.FakeAdminApi.AUDITOR_PASSWORD;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.mmaas.console.support.FakeAdminApi.Received;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The console's pages for each role, against a fake admin API")
class ConsolePagesTest {
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      testContext.completeNow();
    }));
  }

  private static MultiMap form(String csrf, String... pairs) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap().add("_csrf", csrf);
    for (int i = 0; i < pairs.length; i += 2) {
      m.add(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  @Test
  @DisplayName("Navigation follows the role: platform admins get tenants, users, agents and audit; tenant admins their tenant's pages; auditors the audit log")
  void navigationByRole(VertxTestContext testContext) {
    Browser admin = fixture.browser();
    Browser tenant = fixture.browser();
    Browser auditor = fixture.browser();
    admin.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> admin.get("/"))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("id=\"nav-tenants\"", "id=\"nav-users\"",
              "id=\"nav-agents\"", "id=\"nav-audit\"").doesNotContain("id=\"nav-keys\""));
          return tenant.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> tenant.get("/"));
        })
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body())
              .contains("href=\"/tenants/acme/api-keys\"", "href=\"/tenants/acme/models\"",
                  "href=\"/tenants/acme/deployments\"", "href=\"/tenants/acme/playground\"", "id=\"nav-audit\"")
              .contains("id=\"deployments-attention\"").contains("no agent has 2 GiB of free memory")
              .doesNotContain("id=\"nav-tenants\"").doesNotContain("id=\"nav-agents\""));
          return auditor.signIn(AUDITOR, AUDITOR_PASSWORD).compose(x -> auditor.get("/"));
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("id=\"nav-audit\"", "id=\"recent-events\"")
              .contains("id=\"nav-users\"").doesNotContain("id=\"nav-keys\"");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Creating an API key shows its secret once with a copy button; the list never shows it; revoking calls DELETE")
  void apiKeys(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get("/tenants/acme/api-keys"))
        .compose(page -> b.post("/tenants/acme/api-keys", form(page.csrfToken(), "name", "<b>app</b>",
            "scopes", "infer", "models", "scorer, iris", "expiresOn", "2030-01-31")))
        .compose(created -> {
          testContext.verify(() -> {
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.body()).contains("<code id=\"secret-value\">mmaas_ab12_SECRETVALUE</code>")
                .contains("data-copy=\"secret-value\"").contains("&lt;b&gt;app&lt;/b&gt;").contains("scorer, iris");
            assertThat(created.headers().get("Cache-Control")).isEqualTo("no-store");
          });
          return b.get("/tenants/acme/api-keys");
        })
        .compose(list -> {
          testContext.verify(() -> assertThat(list.body()).doesNotContain("SECRETVALUE").contains("&lt;b&gt;app&lt;/b&gt;")
              .contains("2030-02-01 00:00 UTC"));
          String action = list.body().replaceAll("(?s).*action=\"(/tenants/acme/api-keys/[^\"]+/revoke)\".*", "$1");
          return b.post(action, form(list.csrfToken()));
        })
        .onComplete(testContext.succeeding(revoked -> testContext.verify(() -> {
          assertThat(revoked.status()).isEqualTo(303);
          assertThat(fixture.api.received()).extracting(Received::method).contains("DELETE");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A state-changing form without the session's CSRF token is refused and reaches no API")
  void formsNeedCsrf(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> b.post("/tenants", MultiMap.caseInsensitiveMultiMap().add("name", "evil")))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.status()).isEqualTo(403));
          return b.postBody("/tenants/acme/models/scorer/versions", Buffer.buffer("onnx-bytes"),
              Map.of("Content-Type", "application/octet-stream"));
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(403);
          assertThat(fixture.api.received()).extracting(Received::method).doesNotContain("DELETE")
              .filteredOn(m -> m.equals("POST")).hasSize(1);
          assertThat(fixture.api.uploadedBytes()).isEmpty();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("An upload is streamed to the API whole, with its Content-Length, and answers the new version's page")
  void uploadStreams(VertxTestContext testContext) {
    Browser b = fixture.browser();
    byte[] model = new byte[3 * 1024 * 1024 + 17];
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get("/tenants/acme/models/scorer"))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("id=\"upload-version\"")
              .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert"));
          return b.postBody("/tenants/acme/models/scorer/versions", Buffer.buffer(model),
              Map.of("Content-Type", "application/octet-stream", "X-CSRF-Token", page.csrfToken()));
        })
        .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
          assertThat(answer.status()).as(answer.body()).isEqualTo(201);
          assertThat(answer.body()).contains("\"href\":\"/tenants/acme/models/scorer/versions/2\"");
          assertThat(fixture.api.uploadedBytes()).containsExactly((long) model.length);
          assertThat(fixture.api.received()).filteredOn(r -> r.path().endsWith("/versions") && r.method().equals("POST"))
              .singleElement().satisfies(r -> assertThat(r.headers().get("Content-Length"))
                  .isEqualTo(Integer.toString(model.length)));
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A version page shows the signature with dynamic dimensions as ?, and a tenant's other tenants answer 404")
  void versionSignature(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get("/tenants/acme/models/scorer/versions/1"))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("<code>[?, 4]</code>", "<code>[?, 3]</code>",
              "ai.onnx 17", "id=\"deploy-version\""));
          return b.get("/tenants/globex/models");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(404);
          assertThat(page.body()).doesNotContain("Exception").doesNotContain("at io.");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The audit log passes the filters to the API, pages with the API's keyset cursor, escapes actor names, and shows verification")
  void auditLog(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(AUDITOR, AUDITOR_PASSWORD)
        .compose(x -> b.get("/audit?action=api_key.create&outcome=success&before=500"))
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(fixture.api.received()).filteredOn(r -> r.path().equals("/api/v1/audit-events"))
                .extracting(Received::query).contains("action=api_key.create&outcome=success&limit=50&before=500");
            assertThat(page.body()).contains("href=\"/audit?action=api_key.create&amp;outcome=success&amp;before=498\"")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert")
                .contains("data-seq=\"499\"").contains("<option value=\"t-1\">acme</option>")
                .contains("<td>acme</td>");
          });
          return b.get("/audit/verify");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("data-valid=\"true\"").contains("<span id=\"verify-checked\">3</span>");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The playground sends the pasted key to the gateway for that call only and never writes it into a page")
  void playground(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get("/tenants/acme/playground"))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("\"name\" : \"input\"", "\"shape\" : [ 1, 4 ]"));
          return b.post("/tenants/acme/playground", form(page.csrfToken(), "model", "scorer", "apiKey",
              "mmaas_good_key", "request", "{\"inputs\":[]}"));
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.body()).contains("id=\"playground-status\"").contains("\"model_name\" : \"scorer\"")
              .doesNotContain("mmaas_good_key");
          assertThat(fixture.api.gatewayAuth()).containsExactly("Bearer mmaas_good_key");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Signing out ends the token at the API too")
  void signOutEndsToken(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> b.get("/account/password"))
        .compose(page -> {
          testContext.verify(() -> assertThat(fixture.api.liveTokens()).isEqualTo(1));
          return b.post("/logout", form(page.csrfToken()));
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.location()).isEqualTo("/login");
          assertThat(fixture.api.received()).extracting(Received::path).contains("/api/v1/auth/logout");
          assertThat(fixture.api.liveTokens()).isZero();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Changing the password checks the two new passwords agree, then calls the API and confirms")
  void changePassword(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> b.get("/account/password"))
        .compose(page -> b.post("/account/password", form(page.csrfToken(), "currentPassword", ADMIN_PASSWORD,
            "newPassword", "a-new-long-password", "confirmPassword", "a-different-password")))
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.status()).isEqualTo(400);
            assertThat(page.body()).contains("The two new passwords differ.");
            assertThat(fixture.api.received()).extracting(Received::path).doesNotContain("/api/v1/me/password");
          });
          return b.post("/account/password", form(page.csrfToken(), "currentPassword", ADMIN_PASSWORD,
              "newPassword", "a-new-long-password", "confirmPassword", "a-new-long-password"));
        })
        .compose(page -> {
          testContext.verify(() -> assertThat(page.location()).isEqualTo("/"));
          return b.get("/");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("id=\"notice\"").contains("Password changed.");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The fleet page shows each agent's health, providers, memory bars and the replicas it runs, names escaped")
  void agents(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> b.get("/agents"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("1 of 2 ready").contains("<meter").contains("GPU 0 · H200")
              .contains("1.0 GiB of 139.7 GiB").contains("<span class=\"tag active\">CUDA</span>")
              .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert")
              .contains("<td>scorer</td>");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("On the fleet page a platform admin revokes an enrollment token, makes single-use ones, disables, rotates the serving key of and deletes an agent")
  void fleetActions(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> b.get("/agents"))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("id=\"enrollment-tokens\"").contains("fleet-rollout")
              .contains("action=\"/agents/enrollment-tokens/e-9/revoke\"").contains("name=\"singleUse\"")
              .contains("action=\"/agents/a-1/disable\"").contains("action=\"/agents/a-1/delete\"")
              .contains("action=\"/agents/a-1/approve\"")
              .contains("action=\"/agents/a-1/rotate-serving-key\"")
              .contains("generation 3 issued, 2 in use (rotation pending)"));
          return b.post("/agents/a-1/disable", form(page.csrfToken()))
              .compose(p -> b.post("/agents/a-1/approve", form(page.csrfToken())))
              .compose(p -> b.post("/agents/a-1/rotate-serving-key", form(page.csrfToken())))
              .compose(p -> b.get("/agents"))
              .compose(p -> {
                testContext.verify(() -> assertThat(p.body()).contains("Serving key rotation started"));
                return b.post("/agents/a-1/rotate-serving-key", form("not-the-token"));
              })
              .compose(p -> b.post("/agents/a-2/delete", form(page.csrfToken())))
              .compose(p -> b.post("/agents/enrollment-tokens/e-9/revoke", form(page.csrfToken())))
              .compose(p -> b.post("/agents/enrollment-tokens", form(page.csrfToken(), "name", "one", "singleUse", "on")));
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(fixture.api.received()).extracting(Received::path).contains("/api/v1/agents/a-1/disable",
              "/api/v1/agents/a-1/approve", "/api/v1/agents/a-1/rotate-serving-key", "/api/v1/agents/a-2",
              "/api/v1/agents/enrollment-tokens/e-9");
          assertThat(fixture.api.received()).extracting(Received::path).as("the post without the CSRF token is refused")
              .containsOnlyOnce("/api/v1/agents/a-1/rotate-serving-key");
          assertThat(page.body()).contains("mmaas_enroll_SECRET123");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A platform admin creates a user without a password and sees the generated one once; enabling and disabling go to the API")
  void users(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> b.get("/users"))
        .compose(page -> b.post("/users", form(page.csrfToken(), "username", "olga", "role", "auditor")))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("generated-PASSWORD-42"));
          return b.get("/users");
        })
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).doesNotContain("generated-PASSWORD-42")
              .contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
          return b.post("/users/00000000-0000-0000-0000-0000000000aa/disable", form(page.csrfToken()));
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.location()).isEqualTo("/users");
          assertThat(fixture.api.received()).extracting(Received::path)
              .contains("/api/v1/users/00000000-0000-0000-0000-0000000000aa/disable");
          testContext.completeNow();
        })));
  }
}
