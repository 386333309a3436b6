package io.mmaas.console.session;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Cookies are HttpOnly, SameSite=Strict, Path=/, and Secure with the __Host- prefix over HTTPS")
class CookieAttributesTest {

  /** The attributes of a Set-Cookie header, lower-cased, without the name=value pair. */
  private static List<String> attributes(String setCookie) {
    return Arrays.stream(setCookie.split(";")).skip(1).map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
  }

  @Test
  @DisplayName("Over plain HTTP both cookies are HttpOnly, SameSite=Strict, Path=/, not Secure, without a Domain")
  void plainHttp(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).compose(fixture -> {
      Browser browser = fixture.browser();
      return browser.get("/login").compose(form -> {
        testContext.verify(() -> {
          String login = form.setCookie("mmaas_login");
          assertThat(login).isNotNull();
          assertThat(attributes(login)).contains("path=/", "httponly", "samesite=strict").doesNotContain("secure")
              .noneMatch(a -> a.startsWith("domain"));
          assertThat(attributes(login)).anyMatch(a -> a.equals("max-age=900"));
        });
        return browser.signIn(ADMIN, ADMIN_PASSWORD);
      });
    }).onComplete(testContext.succeeding(signedIn -> testContext.verify(() -> {
      String session = signedIn.setCookie("mmaas_session");
      assertThat(session).isNotNull();
      assertThat(attributes(session)).contains("path=/", "httponly", "samesite=strict").doesNotContain("secure")
          .noneMatch(a -> a.startsWith("domain") || a.startsWith("max-age") || a.startsWith("expires"));
      assertThat(attributes(signedIn.setCookie("mmaas_login"))).contains("max-age=0");
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("With secure cookies configured both cookies are named __Host-… and are Secure")
  void secureCookies(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, true).compose(fixture -> {
      Browser browser = fixture.browser();
      return browser.get("/login").compose(form -> {
        testContext.verify(() -> {
          assertThat(form.setCookie("mmaas_login")).isNull();
          assertThat(attributes(form.setCookie("__Host-mmaas_login")))
              .contains("path=/", "secure", "httponly", "samesite=strict").noneMatch(a -> a.startsWith("domain"));
        });
        return browser.signIn(ADMIN, ADMIN_PASSWORD).compose(signedIn -> {
          testContext.verify(() -> {
            assertThat(signedIn.status()).isEqualTo(303);
            assertThat(signedIn.setCookie("mmaas_session")).isNull();
            assertThat(attributes(signedIn.setCookie("__Host-mmaas_session")))
                .contains("path=/", "secure", "httponly", "samesite=strict").noneMatch(a -> a.startsWith("domain"));
          });
          return browser.get("/");
        });
      });
    }).onComplete(testContext.succeeding(home -> testContext.verify(() -> {
      assertThat(home.status()).isEqualTo(200);
      testContext.completeNow();
    })));
  }
}
