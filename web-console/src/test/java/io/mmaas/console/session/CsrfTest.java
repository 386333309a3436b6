package io.mmaas.console.session;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.Browser.Page;
import io.mmaas.console.support.ConsoleFixture;
import io.mmaas.console.support.FakeAdminApi.Received;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Forms without the right CSRF token are refused with 403 and change nothing")
class CsrfTest {
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      testContext.completeNow();
    }));
  }

  private static MultiMap credentials() {
    return MultiMap.caseInsensitiveMultiMap().add("username", ADMIN).add("password", ADMIN_PASSWORD);
  }

  /** The token with its first character changed (to another one: a fixed replacement would sometimes be the same). */
  private static String tampered(String token) {
    return (token.charAt(0) == 'x' ? "y" : "x") + token.substring(1);
  }

  private void assertRefused(Page page) {
    assertThat(page.status()).isEqualTo(403);
    assertThat(page.body()).contains("This form could not be verified").contains("id=\"request-id\"");
    assertThat(page.setCookie("mmaas_session")).isNull();
    assertThat(fixture.api.received()).extracting(Received::path).doesNotContain("/api/v1/auth/login");
  }

  @Test
  @DisplayName("A sign-in form without a CSRF token is refused and the API is never asked")
  void loginWithoutToken(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.get("/login")
        .compose(form -> browser.post("/login", credentials()))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertRefused(page);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A sign-in form with a wrong CSRF token is refused and the API is never asked")
  void loginWithWrongToken(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.get("/login")
        .compose(form -> browser.post("/login", credentials().add("_csrf", tampered(form.csrfToken()))))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertRefused(page);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A sign-in form's token is refused without the pre-session cookie it is bound to")
  void loginTokenWithoutItsCookie(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    Browser other = fixture.browser();
    browser.get("/login")
        .compose(form -> other.get("/login").compose(x -> other.post("/login", credentials().add("_csrf", form.csrfToken()))))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertRefused(page);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Signing out without the session's CSRF token, or with a wrong one, leaves the session alive")
  void logoutWithoutOrWrongToken(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(page -> browser.post("/logout", MultiMap.caseInsensitiveMultiMap()))
        .compose(missing -> {
          testContext.verify(() -> {
            assertThat(missing.status()).isEqualTo(403);
            assertThat(missing.setCookie("mmaas_session")).isNull();
          });
          return browser.post("/logout", MultiMap.caseInsensitiveMultiMap().add("_csrf", "not-the-token"));
        })
        .compose(wrong -> {
          testContext.verify(() -> assertThat(wrong.status()).isEqualTo(403));
          return browser.get("/");
        })
        .onComplete(testContext.succeeding(home -> testContext.verify(() -> {
          assertThat(home.status()).isEqualTo(200);
          assertThat(home.body()).contains("id=\"tenants\"");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("One session's CSRF token does not sign out another session")
  void tokenOfAnotherSession(VertxTestContext testContext) {
    Browser first = fixture.browser();
    Browser second = fixture.browser();
    first.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> first.get("/"))
        .compose(firstHome -> second.signIn(ADMIN, ADMIN_PASSWORD)
            .compose(x -> second.post("/logout",
                MultiMap.caseInsensitiveMultiMap().add("_csrf", firstHome.csrfToken()))))
        .compose(refused -> {
          testContext.verify(() -> assertThat(refused.status()).isEqualTo(403));
          return second.get("/");
        })
        .onComplete(testContext.succeeding(home -> testContext.verify(() -> {
          assertThat(home.status()).isEqualTo(200);
          testContext.completeNow();
        })));
  }
}
