package io.mmaas.console.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The sign-in form's CSRF token is the HMAC of a short-lived pre-session cookie")
class LoginCsrfTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
  private final LoginCsrf csrf = LoginCsrf.withRandomKey(clock);

  @Test
  @DisplayName("A form token verifies with its own pre-session and with no other")
  void boundToItsPreSession() {
    String pre = csrf.newPreSession();
    String other = csrf.newPreSession();
    String token = csrf.formToken(pre);
    assertThat(pre).isNotEqualTo(other);
    assertThat(csrf.verify(pre, token)).isTrue();
    assertThat(csrf.verify(other, token)).isFalse();
    assertThat(csrf.verify(pre, null)).isFalse();
    assertThat(csrf.verify(null, token)).isFalse();
    assertThat(csrf.verify(pre, token.substring(1))).isFalse();
  }

  @Test
  @DisplayName("Another process's key (or a forged HMAC) does not verify")
  void keyMatters() {
    LoginCsrf elsewhere = LoginCsrf.withRandomKey(clock);
    String pre = elsewhere.newPreSession();
    assertThat(csrf.verify(pre, elsewhere.formToken(pre))).isFalse();
  }

  @Test
  @DisplayName("Consoles with the same session keys accept each other's sign-in forms, also across a key rotation")
  void sharedKeys() {
    String k1 = "k1:first-secret-of-the-console-0123456789";
    String k2 = "k2:second-secret-of-the-console-987654321";
    LoginCsrf one = LoginCsrf.withKeys(SessionKeys.parse(k1), clock);
    LoginCsrf replica = LoginCsrf.withKeys(SessionKeys.parse(k1), clock);
    LoginCsrf rotated = LoginCsrf.withKeys(SessionKeys.parse(k2 + "," + k1), clock);
    LoginCsrf newOnly = LoginCsrf.withKeys(SessionKeys.parse(k2), clock);
    String pre = one.newPreSession();
    String token = one.formToken(pre);
    assertThat(replica.verify(pre, token)).isTrue();
    assertThat(rotated.verify(pre, token)).isTrue();
    assertThat(newOnly.verify(pre, token)).isFalse();
    assertThat(rotated.formToken(pre)).isNotEqualTo(token);
    assertThat(newOnly.verify(pre, rotated.formToken(pre))).isTrue();
    assertThat(csrf.verify(pre, token)).isFalse();
  }

  @Test
  @DisplayName("A pre-session is reissued after half its life and refused after its whole life")
  void expiry() {
    String pre = csrf.newPreSession();
    String token = csrf.formToken(pre);
    assertThat(csrf.reusable(pre)).isTrue();
    clock.advance(LoginCsrf.TTL.dividedBy(2).plusSeconds(1));
    assertThat(csrf.reusable(pre)).isFalse();
    assertThat(csrf.verify(pre, token)).isTrue();
    clock.advance(LoginCsrf.TTL.dividedBy(2));
    assertThat(csrf.verify(pre, token)).isFalse();
  }

  @Test
  @DisplayName("A pre-session whose time was edited no longer matches its token, and malformed ones are refused")
  void tampering() {
    String pre = csrf.newPreSession();
    String token = csrf.formToken(pre);
    long issued = Long.parseLong(pre.substring(0, pre.indexOf('.')));
    String moved = (issued + 60) + pre.substring(pre.indexOf('.'));
    clock.advance(Duration.ofMinutes(2));
    assertThat(csrf.verify(moved, token)).isFalse();
    assertThat(csrf.verify("not-a-pre-session", csrf.formToken("not-a-pre-session"))).isFalse();
    assertThat(csrf.reusable("garbage")).isFalse();
  }
}
