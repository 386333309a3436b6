package io.mmaas.console.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.console.api.ApiUser;
import io.mmaas.console.api.SignIn;
import io.mmaas.console.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sessions end on sign-out, when idle, when their token expires, and at the latest after 12 hours")
class SessionStoreTest {
  private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  private static final ApiUser ADA = new ApiUser("u-1", "ada", ApiUser.PLATFORM_ADMIN, null);

  private final MutableClock clock = new MutableClock(START);
  private final SessionStore store = new SessionStore(clock);

  private ConsoleSession signIn(Duration tokenLife) {
    return store.create(new SignIn("token", START.plus(tokenLife), ADA));
  }

  @Test
  @DisplayName("Each session gets its own random 256-bit id and CSRF token")
  void idsAreRandom() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      ConsoleSession s = signIn(Duration.ofHours(1));
      assertThat(s.id()).matches("[A-Za-z0-9_-]{43}");
      assertThat(s.csrfToken()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(s.id());
      assertThat(seen.add(s.id())).isTrue();
      assertThat(seen.add(s.csrfToken())).isTrue();
    }
  }

  @Test
  @DisplayName("A session used within the idle timeout lives on; one left idle longer is gone")
  void idleTimeout() {
    ConsoleSession busy = signIn(Duration.ofHours(8));
    ConsoleSession idle = signIn(Duration.ofHours(8));
    for (int i = 0; i < 4; i++) {
      clock.advance(SessionStore.IDLE_TIMEOUT.minusMinutes(1));
      assertThat(store.find(busy.id())).isSameAs(busy);
    }
    assertThat(store.find(idle.id())).isNull();
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("A session ends when its API token expires, even while in use")
  void tokenExpiry() {
    ConsoleSession s = signIn(Duration.ofMinutes(45));
    clock.advance(Duration.ofMinutes(25));
    assertThat(store.find(s.id())).isSameAs(s);
    clock.advance(Duration.ofMinutes(20));
    assertThat(store.find(s.id())).isNull();
  }

  @Test
  @DisplayName("A session ends after 12 hours even when its token would live longer")
  void maxLifetime() {
    ConsoleSession s = signIn(Duration.ofDays(7));
    for (int i = 0; i < 12 * 60 / 20 - 1; i++) {
      clock.advance(Duration.ofMinutes(20));
      assertThat(store.find(s.id())).isSameAs(s);
    }
    clock.advance(Duration.ofMinutes(20));
    assertThat(store.find(s.id())).isNull();
  }

  @Test
  @DisplayName("A removed session is gone, and sweeping drops only expired sessions")
  void removeAndSweep() {
    ConsoleSession removed = signIn(Duration.ofHours(1));
    ConsoleSession shortLived = signIn(Duration.ofMinutes(5));
    ConsoleSession kept = signIn(Duration.ofHours(1));
    store.remove(removed);
    assertThat(store.find(removed.id())).isNull();
    clock.advance(Duration.ofMinutes(10));
    assertThat(store.sweep()).isEqualTo(1);
    assertThat(store.find(shortLived.id())).isNull();
    assertThat(store.find(kept.id())).isSameAs(kept);
    assertThat(store.find(null)).isNull();
    assertThat(store.find("unknown")).isNull();
  }
}
