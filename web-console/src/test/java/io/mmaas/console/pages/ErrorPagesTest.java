package io.mmaas.console.pages;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static io.mmaas.console.support.FakeAdminApi.FAILURE_REQUEST_ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.Browser.Page;
import io.mmaas.console.support.ConsoleFixture;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Errors render a friendly page with the request id and no stack trace")
class ErrorPagesTest {
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      testContext.completeNow();
    }));
  }

  private static void assertFriendly(Page page, int status) {
    assertThat(page.status()).isEqualTo(status);
    assertThat(page.headers().get("Content-Type")).startsWith("text/html");
    String requestId = page.headers().get("X-Request-Id");
    assertThat(requestId).isNotBlank();
    assertThat(page.body()).contains("<code id=\"request-id\">" + requestId + "</code>")
        .contains("<span id=\"error-status\">" + status + "</span>")
        .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at io.")
        .doesNotContain("java.").doesNotContain("refused");
  }

  @Test
  @DisplayName("With the control plane down, the overview answers 503 with a friendly page")
  void apiDownOnOverview(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> fixture.stopApi())
        .compose(x -> browser.get("/"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertFriendly(page, 503);
          assertThat(page.body()).contains("The control plane is unavailable");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("With the control plane down, signing in answers 503 with a friendly page and starts no session")
  void apiDownOnSignIn(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.get("/login")
        .compose(form -> fixture.stopApi().compose(x -> browser.post("/login", MultiMap.caseInsensitiveMultiMap()
            .add("_csrf", form.csrfToken()).add("username", ADMIN).add("password", ADMIN_PASSWORD))))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertFriendly(page, 503);
          assertThat(page.body()).doesNotContain(ADMIN_PASSWORD);
          assertThat(page.setCookie("mmaas_session")).isNull();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("An error inside the control plane answers 502 and shows the control plane's request id too")
  void apiInternalError(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> browser.get("/?after=" + io.mmaas.console.support.FakeAdminApi.FAILING_CURSOR))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertFriendly(page, 502);
          assertThat(page.body()).contains("The control plane reported an error")
              .contains("<code id=\"api-request-id\">" + FAILURE_REQUEST_ID + "</code>");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("An unknown address answers 404 with a friendly page")
  void notFound(VertxTestContext testContext) {
    fixture.browser().get("/no/such/page").onComplete(testContext.succeeding(page -> testContext.verify(() -> {
      assertFriendly(page, 404);
      assertThat(page.body()).contains("Page not found");
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("A form body with a broken percent-encoding answers 400 with a friendly page, not 500")
  void brokenFormEncoding(VertxTestContext testContext) {
    // Netty's form decoder throws on "%ZZ"; that failure reached this handler as a 500 (found by
    // ConsoleSessionFuzzTest)
    Browser browser = fixture.browser();
    browser.get("/login")
        .compose(form -> browser.postBody("/login", io.vertx.core.buffer.Buffer.buffer("_csrf="
                + java.net.URLEncoder.encode(form.csrfToken(), java.nio.charset.StandardCharsets.UTF_8)
                + "&username=%ZZ&password=%"),
            java.util.Map.of("Content-Type", "application/x-www-form-urlencoded")))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertFriendly(page, 400);
          assertThat(page.setCookie("mmaas_session")).isNull();
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A signed-in form with a field that has no name answers 400 with a friendly page, not 500")
  void namelessFormField(VertxTestContext testContext) {
    // Netty's form decoder refuses "=value" with IllegalArgumentException (found by ConsoleSessionFuzzTest)
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> browser.postBody("/logout", io.vertx.core.buffer.Buffer.buffer("=value"),
            java.util.Map.of("Content-Type", "application/x-www-form-urlencoded")))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertFriendly(page, 400);
          testContext.completeNow();
        })));
  }
}
