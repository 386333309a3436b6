package io.mmaas.console.features;

import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("A model's aliases, signature diffs, version notes and deletes")
class ModelAliasesTest {
  private static final String MODEL = "/tenants/acme/models/scorer";
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      fixture.api.addVersion(2, 5);
      testContext.completeNow();
    }));
  }

  @Test
  @DisplayName("Moving an alias to an incompatible version lands on the diff with a force form; forcing moves it")
  void incompatibleAliasNeedsForce(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(MODEL))
        .compose(page -> b.submit(MODEL + "/aliases", page.csrfToken(), "alias", "prod", "version", "1"))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("Alias prod now points at v1.")
              .contains("<tr data-alias=\"prod\">"));
          return b.post(MODEL + "/aliases", MultiMap.caseInsensitiveMultiMap().add("_csrf", page.csrfToken())
              .add("alias", "prod").add("version", "2"));
        })
        .compose(refused -> {
          testContext.verify(() -> {
            assertThat(refused.status()).isEqualTo(303);
            assertThat(refused.location()).isEqualTo(MODEL + "/aliases/prod/move?version=2");
            assertThat(fixture.api.aliases()).containsEntry("prod", 1);
          });
          return b.get(refused.location());
        })
        .compose(confirm -> {
          testContext.verify(() -> assertThat(confirm.body()).contains("data-compatible=\"false\"")
              .contains("<tr class=\"diff-change breaking\" data-tensor=\"input\">")
              .contains("<code>FP32 [?, 4]</code>").contains("<code>FP32 [?, 5]</code>")
              .contains("name=\"force\" value=\"true\"").contains("prod points at v1 now"));
          return b.submit(MODEL + "/aliases", confirm.csrfToken(), "alias", "prod", "version", "2", "force", "true");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("Alias prod now points at v2 (was v1; moved although the signature is "
              + "incompatible).");
          assertThat(fixture.api.aliases()).containsEntry("prod", 2);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The compare form shows the signature diff of two versions; a bad version is a 400 that reaches no API")
  void compare(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(MODEL))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("id=\"compare-versions\"")
              .contains("<option value=\"1\" selected>v1</option>"));
          return b.get(MODEL + "/diff?from=1&to=2");
        })
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("v2 is not compatible with v1")
              .contains("shape [-1,4] -&gt; [-1,5]"));
          return b.get(MODEL + "/diff?from=1&to=x/..");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(400);
          assertThat(fixture.api.received()).filteredOn(r -> r.path().endsWith("/diff")).hasSize(1);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Version notes are saved as description and a JSON metadata object (escaped when shown); invalid JSON is refused before any call")
  void versionNotes(VertxTestContext testContext) {
    Browser b = fixture.browser();
    String version = MODEL + "/versions/1";
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(version))
        .compose(page -> b.submit(version + "/edit", page.csrfToken(), "description", "x", "metadata", "[1,2]"))
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.body()).contains("Metadata must be a JSON object");
            assertThat(fixture.api.received()).extracting(r -> r.method()).doesNotContain("PATCH");
          });
          return b.submit(version + "/edit", page.csrfToken(), "description", "<b>first</b>", "metadata",
              "{\"owner\":\"<i>team</i>\"}");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("Description and metadata of v1 saved.")
              .contains("&lt;b&gt;first&lt;/b&gt;</textarea>").contains("&lt;i&gt;team&lt;/i&gt;")
              .doesNotContain("<b>first</b>");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Deleting an aliased version or a deployed model shows the API's 409 message; an unused version is deleted")
  void deletes(VertxTestContext testContext) {
    Browser b = fixture.browser();
    b.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD).compose(x -> b.get(MODEL))
        .compose(page -> b.submit(MODEL + "/aliases", page.csrfToken(), "alias", "prod", "version", "1"))
        .compose(page -> b.submit(MODEL + "/versions/1/delete", page.csrfToken()))
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body()).contains("class=\"notice error\"")
              .contains("aliases [prod] point at version 1").contains("id=\"delete-version\""));
          return b.submit(MODEL + "/delete", page.csrfToken());
        })
        .compose(page -> {
          testContext.verify(() -> assertThat(page.body())
              .contains("model 'scorer' is deployed: delete the deployment first"));
          return b.submit(MODEL + "/versions/2/delete", page.csrfToken());
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.body()).contains("Version 2 deleted.").doesNotContain("data-version=\"2\"");
          assertThat(fixture.api.aliases()).isEqualTo(Map.of("prod", 1));
          testContext.completeNow();
        })));
  }
}
