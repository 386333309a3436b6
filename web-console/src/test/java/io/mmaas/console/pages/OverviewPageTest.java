package io.mmaas.console.pages;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.mmaas.console.support.FakeAdminApi.Received;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("The overview shows who is signed in and, to platform admins, the tenants")
class OverviewPageTest {
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      testContext.completeNow();
    }));
  }

  @Test
  @DisplayName("Without a session, / redirects to the sign-in page")
  void redirectsWhenSignedOut(VertxTestContext testContext) {
    fixture.browser().get("/").onComplete(testContext.succeeding(page -> testContext.verify(() -> {
      assertThat(page.status()).isEqualTo(303);
      assertThat(page.location()).isEqualTo("/login");
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("A platform admin sees their name and role and a table of tenants with name, display name, state and creation time")
  void platformAdminSeesTenants(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> browser.get("/"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.body())
              .contains("<dd id=\"user-name\">ada</dd>")
              .contains("<dd id=\"user-role\">Platform admin</dd>")
              .contains("<table id=\"tenants\">")
              .contains("<td class=\"tenant-name\"><a href=\"/tenants/acme/api-keys\">acme</a></td>")
              .contains("<td class=\"tenant-display-name\">Acme Corp</td>")
              .contains("<span class=\"state state-active\">active</span>")
              .contains("<time datetime=\"2026-01-02T03:04:05Z\">2026-01-02 03:04 UTC</time>")
              .contains("<td class=\"tenant-name\"><a href=\"/tenants/globex/api-keys\">globex</a></td>")
              .doesNotContain("initech")
              .contains("<a id=\"tenants-next\" rel=\"next\" href=\"/?after=c2\">");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A tenant display name holding a script tag is shown as text, never as markup")
  void tenantStringsAreEscaped(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> browser.get("/"))
        .compose(first -> {
          testContext.verify(() -> assertThat(first.body())
              .contains("<td class=\"tenant-display-name\">&lt;script&gt;alert(1)&lt;/script&gt;</td>")
              .doesNotContain("<script>alert"));
          return browser.get("/?after=c2");
        })
        .onComplete(testContext.succeeding(second -> testContext.verify(() -> {
          assertThat(second.body())
              .contains("<td class=\"tenant-display-name\">Initech \"R&amp;D\"</td>")
              .doesNotContain("R&D");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The next page of tenants passes the API's cursor on and links back to the first page")
  void nextPage(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> browser.get("/?after=c2"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.body()).contains("<td class=\"tenant-name\"><a href=\"/tenants/initech/api-keys\">initech</a></td>")
              .contains("<span class=\"state state-suspended\">suspended</span>")
              .doesNotContain("/tenants/acme/api-keys")
              .contains("id=\"tenants-first\"").doesNotContain("id=\"tenants-next\"");
          assertThat(fixture.api.received()).filteredOn(r -> r.path().equals("/api/v1/tenants"))
              .extracting(Received::query).containsExactly("limit=50&after=c2");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A tenant admin sees their tenant and no tenants table, and the console never asks for the list")
  void tenantAdminSeesNoTable(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD)
        .compose(x -> browser.get("/"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(200);
          assertThat(page.body()).contains("<dd id=\"user-role\">Tenant admin</dd>")
              .contains("<dd id=\"user-tenant\">acme</dd>")
              .doesNotContain("id=\"tenants\"");
          assertThat(fixture.api.received()).extracting(Received::path).doesNotContain("/api/v1/tenants");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("When the API refuses the session's token, the session ends, and a replay of its cookie is refused too")
  void revokedTokenEndsSession(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    String[] id = new String[1];
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> {
          id[0] = browser.cookies().get("mmaas_session");
          fixture.api.revokeAllTokens();
          return browser.get("/");
        })
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.status()).isEqualTo(303);
            assertThat(page.location()).isEqualTo("/login");
            assertThat(page.setCookie("mmaas_session")).contains("Max-Age=0");
          });
          Browser replay = fixture.browser();
          replay.cookies().put("mmaas_session", id[0]);
          return replay.get("/");
        })
        .onComplete(testContext.succeeding(replayed -> testContext.verify(() -> {
          assertThat(replayed.status()).isEqualTo(303);
          assertThat(replayed.location()).isEqualTo("/login");
          assertThat(replayed.setCookie("mmaas_session")).contains("Max-Age=0");
          // the session lives in the cookie, not in the console: the API, which ended the token, refuses it again
          long meCalls = fixture.api.received().stream().filter(r -> r.path().equals("/api/v1/me")).count();
          assertThat(meCalls).as("each replay is the API's to refuse").isEqualTo(2);
          testContext.completeNow();
        })));
  }
}
