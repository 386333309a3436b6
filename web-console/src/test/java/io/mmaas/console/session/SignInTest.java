package io.mmaas.console.session;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN;
import static io.mmaas.console.support.FakeAdminApi.TENANT_ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.mmaas.console.support.FakeAdminApi.Received;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Signing in and out through the admin API")
class SignInTest {
  private static final String SESSION = "mmaas_session";
  private static final String LOGIN = "mmaas_login";
  private ConsoleFixture fixture;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false).onComplete(testContext.succeeding(f -> {
      fixture = f;
      testContext.completeNow();
    }));
  }

  @Test
  @DisplayName("The sign-in page renders a form with username, password, a CSRF token and a sign-in button")
  void loginPageRenders(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.get("/login").onComplete(testContext.succeeding(page -> testContext.verify(() -> {
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.headers().get("Content-Type")).startsWith("text/html");
      assertThat(page.body())
          .contains("<form id=\"login-form\" method=\"post\" action=\"/login\">")
          .contains("name=\"username\"")
          .contains("name=\"password\" type=\"password\"")
          .contains("<button id=\"sign-in\" type=\"submit\">")
          .doesNotContain("id=\"logout-form\"");
      assertThat(page.csrfToken()).hasSizeGreaterThanOrEqualTo(43);
      assertThat(browser.cookies()).containsKey(LOGIN).doesNotContainKey(SESSION);
      testContext.completeNow();
    })));
  }

  @Test
  @DisplayName("A wrong password re-renders the form with 401 and 'Invalid username or password', and starts no session")
  void wrongPassword(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, "not-the-password")
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.status()).isEqualTo(401);
            assertThat(page.body()).contains("Invalid username or password").contains("id=\"login-form\"")
                .contains("value=\"" + ADMIN + "\"").doesNotContain("not-the-password");
            assertThat(page.setCookie(SESSION)).isNull();
            assertThat(browser.cookies()).doesNotContainKey(SESSION);
          });
          return browser.get("/");
        })
        .onComplete(testContext.succeeding(home -> testContext.verify(() -> {
          assertThat(home.status()).isEqualTo(303);
          assertThat(home.location()).isEqualTo("/login");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The right password starts a session and redirects to the overview, which then shows the user")
  void rightPassword(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(page -> {
          testContext.verify(() -> {
            assertThat(page.status()).isEqualTo(303);
            assertThat(page.location()).isEqualTo("/");
            assertThat(browser.cookies()).containsKey(SESSION).doesNotContainKey(LOGIN);
          });
          return browser.get("/");
        })
        .onComplete(testContext.succeeding(home -> testContext.verify(() -> {
          assertThat(home.status()).isEqualTo(200);
          assertThat(home.body()).contains("<dd id=\"user-name\">ada</dd>").contains("<table id=\"tenants\">");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Signing in gives a new random session id, never one the browser brought, and ends the one it brought")
  void sessionIdChangesAtSignIn(VertxTestContext testContext) {
    Browser attacker = fixture.browser();
    Browser victim = fixture.browser();
    String[] planted = new String[1];
    attacker.signIn(TENANT_ADMIN, TENANT_ADMIN_PASSWORD)
        .compose(page -> {
          planted[0] = attacker.cookies().get(SESSION);
          return victim.get("/login");
        })
        .compose(form -> {
          victim.cookies().put(SESSION, planted[0]);
          return victim.post("/login", MultiMap.caseInsensitiveMultiMap()
              .add("_csrf", form.csrfToken()).add("username", ADMIN).add("password", ADMIN_PASSWORD));
        })
        .compose(signedIn -> {
          testContext.verify(() -> {
            assertThat(signedIn.status()).isEqualTo(303);
            assertThat(planted[0]).isNotNull();
            assertThat(victim.cookies().get(SESSION)).isNotNull().isNotEqualTo(planted[0]).hasSizeGreaterThanOrEqualTo(43);
          });
          return attacker.get("/");
        })
        .onComplete(testContext.succeeding(attackerHome -> testContext.verify(() -> {
          assertThat(attackerHome.status()).isEqualTo(303);
          assertThat(attackerHome.location()).isEqualTo("/login");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Signing in with a stale session cookie sets exactly one new session cookie")
  void staleCookieReplaced(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.get("/login")
        .compose(form -> {
          browser.cookies().put(SESSION, "stale-or-made-up");
          return browser.post("/login", MultiMap.caseInsensitiveMultiMap()
              .add("_csrf", form.csrfToken()).add("username", ADMIN).add("password", ADMIN_PASSWORD));
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(303);
          assertThat(page.setCookies()).filteredOn(c -> c.startsWith(SESSION + "=")).hasSize(1);
          assertThat(browser.cookies().get(SESSION)).isNotNull().isNotEqualTo("stale-or-made-up");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Signing out ends the session: the response clears the cookie and the old cookie no longer works")
  void signOut(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    String[] id = new String[1];
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(page -> browser.get("/"))
        .compose(home -> {
          id[0] = browser.cookies().get(SESSION);
          testContext.verify(() -> assertThat(home.body()).contains("<form id=\"logout-form\" method=\"post\" action=\"/logout\">")
              .contains("id=\"sign-out\""));
          return browser.post("/logout", MultiMap.caseInsensitiveMultiMap().add("_csrf", home.csrfToken()));
        })
        .compose(out -> {
          testContext.verify(() -> {
            assertThat(out.status()).isEqualTo(303);
            assertThat(out.location()).isEqualTo("/login");
            assertThat(out.setCookie(SESSION)).contains("Max-Age=0");
            assertThat(browser.cookies()).doesNotContainKey(SESSION);
          });
          Browser replay = fixture.browser();
          replay.cookies().put(SESSION, id[0]);
          return replay.get("/");
        })
        .onComplete(testContext.succeeding(replayed -> testContext.verify(() -> {
          assertThat(replayed.status()).isEqualTo(303);
          assertThat(replayed.location()).isEqualTo("/login");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("The admin API is told the browser's User-Agent and address, and gets the user's token")
  void passesClientOnToApi(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(page -> browser.get("/"))
        .onComplete(testContext.succeeding(home -> testContext.verify(() -> {
          List<Received> calls = fixture.api.received();
          assertThat(calls).extracting(Received::path)
              .containsExactlyInAnyOrder("/api/v1/auth/login", "/api/v1/me", "/api/v1/tenants", "/api/v1/agents");
          assertThat(calls.get(0).path()).isEqualTo("/api/v1/auth/login");
          assertThat(calls.get(1).path()).isEqualTo("/api/v1/me");
          Received tenants = calls.stream().filter(c -> c.path().equals("/api/v1/tenants")).findFirst().orElseThrow();
          for (Received call : calls) {
            assertThat(call.headers().get("User-Agent")).isEqualTo(Browser.USER_AGENT);
            assertThat(call.headers().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
          }
          assertThat(calls.get(0).headers().get("Authorization")).isNull();
          assertThat(calls.get(1).headers().get("Authorization")).startsWith("Bearer tok-");
          assertThat(tenants.headers().get("Authorization")).isEqualTo(calls.get(1).headers().get("Authorization"));
          assertThat(tenants.headers().get("X-Request-Id")).isEqualTo(home.headers().get("X-Request-Id"));
          assertThat(tenants.query()).isEqualTo("limit=50");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A signed-in user who opens the sign-in page is sent to the overview")
  void signedInSkipsLoginPage(VertxTestContext testContext) {
    Browser browser = fixture.browser();
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(page -> browser.get("/login"))
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).isEqualTo(303);
          assertThat(page.location()).isEqualTo("/");
          testContext.completeNow();
        })));
  }
}
