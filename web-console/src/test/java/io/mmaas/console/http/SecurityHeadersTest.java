package io.mmaas.console.http;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.Browser.Page;
import io.mmaas.console.support.ConsoleFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Every response carries the security headers, and the stylesheet comes from the jar")
class SecurityHeadersTest {
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      testContext.completeNow();
    }));
  }

  private static void assertSecurityHeaders(Page page) {
    assertThat(page.headers().get("Content-Security-Policy")).startsWith("default-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(page.headers().get("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(page.headers().get("Referrer-Policy")).isEqualTo("same-origin");
    assertThat(page.headers().get("X-Frame-Options")).isEqualTo("DENY");
  }

  @Test
  @DisplayName("The sign-in page, the overview, a redirect and an error page carry the headers and are not cached")
  void pagesCarryHeaders(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.get("/")
        .compose(redirect -> {
          testContext.verify(() -> assertSecurityHeaders(redirect));
          return browser.get("/login");
        })
        .compose(login -> {
          testContext.verify(() -> {
            assertSecurityHeaders(login);
            assertThat(login.headers().get("Cache-Control")).isEqualTo("no-store");
          });
          return browser.signIn(ADMIN, ADMIN_PASSWORD).compose(x -> browser.get("/"));
        })
        .compose(home -> {
          testContext.verify(() -> {
            assertThat(home.status()).isEqualTo(200);
            assertSecurityHeaders(home);
            assertThat(home.headers().get("Cache-Control")).isEqualTo("no-store");
          });
          return browser.get("/missing");
        })
        .onComplete(testContext.succeeding(missing -> testContext.verify(() -> {
          assertThat(missing.status()).isEqualTo(404);
          assertSecurityHeaders(missing);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Pages load only the console's own stylesheet, which is served as CSS with the headers")
  void stylesheet(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.get("/login")
        .compose(login -> {
          testContext.verify(() -> assertThat(login.body())
              .contains("<link rel=\"stylesheet\" href=\"/static/console.css\">")
              .contains("<script src=\"/static/console.js\" defer></script>")
              .doesNotContain("http://").doesNotContain("https://"));
          testContext.verify(() -> assertThat(login.body().split("<script", -1)).as("only the console's own script")
              .hasSize(2));
          return browser.get("/static/console.css");
        })
        .onComplete(testContext.succeeding(css -> testContext.verify(() -> {
          assertThat(css.status()).isEqualTo(200);
          assertThat(css.headers().get("Content-Type")).startsWith("text/css");
          assertThat(css.body()).contains(".card").doesNotContain("@import").doesNotContain("url(");
          assertSecurityHeaders(css);
          testContext.completeNow();
        })));
  }
}
