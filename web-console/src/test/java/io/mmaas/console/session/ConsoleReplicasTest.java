package io.mmaas.console.session;

import static io.mmaas.console.support.FakeAdminApi.ADMIN;
import static io.mmaas.console.support.FakeAdminApi.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.app.ConsoleVerticle;
import io.mmaas.console.support.Browser;
import io.mmaas.console.support.ConsoleFixture;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two console processes (verticles with their own routers, codecs and no shared memory) on one admin API with the
 * same {@code MMAAS_CONSOLE_SESSION_KEYS}, as replicas behind a balancer without sticky sessions: a browser's next
 * request may reach either, and either may restart.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Sessions work across console replicas and restarts, and end everywhere on sign-out and password change")
class ConsoleReplicasTest {
  private static final String SESSION = "mmaas_session";
  private static final String KEYS = "r1:replica-shared-secret-0123456789abcdef";
  private ConsoleFixture fixture;
  private ConsoleVerticle other;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext testContext) {
    ConsoleFixture.start(vertx, false, KEYS)
        .compose(f -> {
          fixture = f;
          return f.startConsole(KEYS);
        })
        .onComplete(testContext.succeeding(o -> {
          other = o;
          testContext.completeNow();
        }));
  }

  /** Signs in with the form loaded from one console and posted to the other. */
  private io.vertx.core.Future<Browser.Page> signInAcross(Browser onFirst, Browser onOther) {
    return onFirst.get("/login").compose(form -> onOther.post("/login", MultiMap.caseInsensitiveMultiMap()
        .add("_csrf", form.csrfToken()).add("username", ADMIN).add("password", ADMIN_PASSWORD)));
  }

  @Test
  @DisplayName("Signed in through one console, the same cookie works on the other, and on a restarted first console")
  void acrossReplicasAndRestart(VertxTestContext testContext) {
    Browser onFirst = fixture.browser();
    Browser onOther = onFirst.at(other.port());
    ConsoleVerticle[] restarted = new ConsoleVerticle[1];
    signInAcross(onFirst, onOther)
        .compose(signedIn -> {
          testContext.verify(() -> {
            assertThat(signedIn.status()).as("a sign-in form from one replica is accepted by the other").isEqualTo(303);
            assertThat(signedIn.location()).isEqualTo("/");
            assertThat(onFirst.cookies()).containsKey(SESSION);
          });
          return onFirst.get("/");
        })
        .compose(home -> {
          testContext.verify(() -> assertThat(home.body()).contains("<dd id=\"user-name\">ada</dd>"));
          return onOther.get("/tenants");
        })
        .compose(tenants -> {
          testContext.verify(() -> {
            assertThat(tenants.status()).isEqualTo(200);
            assertThat(tenants.body()).contains("<table id=\"tenants\">").contains("id=\"current-user\"");
          });
          return fixture.stopConsole(other);
        })
        .compose(v -> fixture.startConsole(KEYS))
        .compose(again -> {
          restarted[0] = again;
          return onFirst.at(again.port()).get("/");
        })
        .onComplete(testContext.succeeding(home -> testContext.verify(() -> {
          assertThat(home.status()).as("a new console process with the same keys").isEqualTo(200);
          assertThat(home.body()).contains("<dd id=\"user-name\">ada</dd>");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A form's CSRF token from one console is accepted by the other, and the notice it leaves shows there")
  void formsAndNoticesAcross(VertxTestContext testContext) {
    Browser onFirst = fixture.browser();
    Browser onOther = onFirst.at(other.port());
    signInAcross(onFirst, onOther)
        .compose(signedIn -> onFirst.get("/account/password"))
        .compose(form -> onOther.post("/account/password", MultiMap.caseInsensitiveMultiMap()
            .add("_csrf", form.csrfToken()).add("currentPassword", ADMIN_PASSWORD)
            .add("newPassword", "a-new-password-1234").add("confirmPassword", "a-new-password-1234")))
        .compose(changed -> {
          testContext.verify(() -> assertThat(changed.status()).isEqualTo(303));
          return onFirst.get(changed.location());
        })
        .compose(home -> {
          testContext.verify(() -> assertThat(home.body()).contains("id=\"notice\"").contains("Password changed."));
          return onOther.get("/");
        })
        .onComplete(testContext.succeeding(again -> testContext.verify(() -> {
          assertThat(again.status()).isEqualTo(200);
          assertThat(again.body()).as("the notice is shown once").doesNotContain("id=\"notice\"");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("Signing out on one console ends the session on the other: the same cookie is refused there")
  void signOutEndsEverywhere(VertxTestContext testContext) {
    Browser onFirst = fixture.browser();
    String[] cookie = new String[1];
    Browser copy = fixture.browser(other);
    onFirst.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(signedIn -> onFirst.get("/"))
        .compose(home -> {
          cookie[0] = onFirst.cookies().get(SESSION);
          copy.cookies().put(SESSION, cookie[0]);
          return copy.get("/");
        })
        .compose(before -> {
          testContext.verify(() -> assertThat(before.status()).isEqualTo(200));
          return onFirst.get("/").compose(home -> onFirst.post("/logout",
              MultiMap.caseInsensitiveMultiMap().add("_csrf", home.csrfToken())));
        })
        .compose(out -> {
          testContext.verify(() -> {
            assertThat(out.status()).isEqualTo(303);
            assertThat(out.setCookie(SESSION)).contains("Max-Age=0");
          });
          return copy.get("/");
        })
        .compose(refused -> {
          testContext.verify(() -> {
            assertThat(refused.status()).isEqualTo(303);
            assertThat(refused.location()).isEqualTo("/login");
            assertThat(refused.setCookie(SESSION)).as("the other console clears the dead cookie").contains("Max-Age=0");
          });
          Browser again = fixture.browser(other);
          again.cookies().put(SESSION, cookie[0]);
          return again.get("/account/password");
        })
        .onComplete(testContext.succeeding(page -> testContext.verify(() -> {
          assertThat(page.status()).as("even a page that needs nothing from the API").isEqualTo(303);
          assertThat(page.location()).isEqualTo("/login");
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A password change on one console ends the user's other sessions on both consoles, and keeps its own")
  void passwordChangeEndsOtherSessions(VertxTestContext testContext) {
    Browser changer = fixture.browser();
    Browser elsewhere = fixture.browser(other);
    String[] saved = new String[1];
    changer.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> elsewhere.signIn(ADMIN, ADMIN_PASSWORD))
        .compose(x -> {
          saved[0] = elsewhere.cookies().get(SESSION);
          return changer.get("/account/password");
        })
        .compose(form -> changer.submit("/account/password", form.csrfToken(), "currentPassword", ADMIN_PASSWORD,
            "newPassword", "a-new-password-1234", "confirmPassword", "a-new-password-1234"))
        .compose(home -> {
          testContext.verify(() -> assertThat(home.body()).contains("Password changed."));
          return elsewhere.get("/");
        })
        .compose(refused -> {
          testContext.verify(() -> {
            assertThat(refused.status()).isEqualTo(303);
            assertThat(refused.location()).isEqualTo("/login");
          });
          Browser replay = fixture.browser();
          replay.cookies().put(SESSION, saved[0]);
          return replay.get("/tenants");
        })
        .compose(refusedToo -> {
          testContext.verify(() -> assertThat(refusedToo.status()).isEqualTo(303));
          return changer.at(other.port()).get("/");
        })
        .onComplete(testContext.succeeding(kept -> testContext.verify(() -> {
          assertThat(kept.status()).as("the session that changed the password lives on, on either console")
              .isEqualTo(200);
          testContext.completeNow();
        })));
  }

  @Test
  @DisplayName("A console with other keys, or a tampered cookie, sends to sign-in and clears the cookie: no error page")
  void foreignOrTamperedCookie(Vertx vertx, VertxTestContext testContext) {
    Browser browser = fixture.browser();
    String[] cookie = new String[1];
    browser.signIn(ADMIN, ADMIN_PASSWORD)
        .compose(x -> fixture.startConsole("z9:a-console-with-another-secret-0123456789"))
        .compose(stranger -> {
          cookie[0] = browser.cookies().get(SESSION);
          return browser.at(stranger.port()).get("/");
        })
        .compose(refused -> {
          testContext.verify(() -> {
            assertThat(refused.status()).isEqualTo(303);
            assertThat(refused.location()).isEqualTo("/login");
            assertThat(refused.setCookie(SESSION)).contains("Max-Age=0");
          });
          Browser tampered = fixture.browser(other);
          char last = cookie[0].charAt(cookie[0].length() - 10);
          tampered.cookies().put(SESSION, cookie[0].substring(0, cookie[0].length() - 10) + (last == 'A' ? 'B' : 'A')
              + cookie[0].substring(cookie[0].length() - 9));
          return tampered.get("/tenants");
        })
        .onComplete(testContext.succeeding(refused -> testContext.verify(() -> {
          assertThat(refused.status()).isEqualTo(303);
          assertThat(refused.location()).isEqualTo("/login");
          assertThat(refused.setCookie(SESSION)).contains("Max-Age=0");
          testContext.completeNow();
        })));
  }
}
