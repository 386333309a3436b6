package io.mmaas.console.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.console.api.ApiUser;
import io.mmaas.console.api.SignIn;
import io.mmaas.console.support.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sessions sealed in the cookie open only unchanged, under a configured key, and before they expire")
class SessionSealingTest {
  private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
  private static final ApiUser TINA = new ApiUser("u-2", "tina@acme", ApiUser.TENANT_ADMIN, "acme");
  private static final String OLD = "k1:first-secret-of-the-console-0123456789";
  private static final String NEW = "k2:second-secret-of-the-console-987654321";

  private final MutableClock clock = new MutableClock(START);
  private final SessionCodec codec = new SessionCodec(SessionKeys.parse(OLD), clock);

  private ConsoleSession signIn(SessionCodec with, Duration tokenLife) {
    return with.create(new SignIn("tok-secret-bearer", START.plus(tokenLife), TINA));
  }

  @Test
  @DisplayName("A sealed session opens to the same token, user, CSRF token and notice, and shows none of them in clear")
  void roundTrip() {
    ConsoleSession s = signIn(codec, Duration.ofHours(1));
    s.notice(Notice.error("Alias prod now points at version 2"));
    String value = codec.seal(s);
    assertThat(value).startsWith("k1.").matches("[A-Za-z0-9_.-]+").doesNotContain("tok-secret-bearer");
    assertThat(new String(Base64.getUrlDecoder().decode(value.substring(3)), StandardCharsets.ISO_8859_1))
        .doesNotContain("tok-secret-bearer").doesNotContain("tina").doesNotContain(s.csrfToken());
    ConsoleSession opened = new SessionCodec(SessionKeys.parse(OLD), clock).open(value);
    assertThat(opened).isNotNull();
    assertThat(opened.token()).isEqualTo("tok-secret-bearer");
    assertThat(opened.user()).isEqualTo(TINA);
    assertThat(opened.csrfToken()).isEqualTo(s.csrfToken()).matches("[A-Za-z0-9_-]{43}");
    assertThat(opened.takeNotice()).isEqualTo(Notice.error("Alias prod now points at version 2"));
    assertThat(opened.takeNotice()).isNull();
    assertThat(opened.changed()).isTrue();
  }

  @Test
  @DisplayName("Each sign-in gets its own CSRF token, and sealing the same session twice gives two different values")
  void freshNonceAndCsrf() {
    Set<String> seen = new HashSet<>();
    ConsoleSession s = signIn(codec, Duration.ofHours(1));
    assertThat(codec.seal(s)).isNotEqualTo(codec.seal(s));
    for (int i = 0; i < 50; i++) {
      assertThat(seen.add(signIn(codec, Duration.ofHours(1)).csrfToken())).isTrue();
    }
  }

  @Test
  @DisplayName("Changing any character of the sealed value, or cutting it, makes it open to nothing")
  void tampering() {
    String value = codec.seal(signIn(codec, Duration.ofHours(1)));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 3; i < value.length(); i++) {
      char c = value.charAt(i);
      // +32 flips the top bit of the character's six, a data bit even in the last character
      char other = alphabet.charAt((alphabet.indexOf(c) + 32) % alphabet.length());
      String changed = value.substring(0, i) + other + value.substring(i + 1);
      assertThat(codec.open(changed)).as("changed at %d", i).isNull();
    }
    assertThat(codec.open(value.substring(0, value.length() - 1))).isNull();
    assertThat(codec.open(value + "A")).isNull();
    assertThat(codec.open("k1." + value.substring(3, 20))).isNull();
    assertThat(codec.open("")).isNull();
    assertThat(codec.open(null)).isNull();
    assertThat(codec.open("not a sealed value")).isNull();
    assertThat(codec.open("k1." + "A".repeat(CookieSeal.MAX_VALUE_CHARS))).isNull();
    assertThat(codec.open(value)).isNotNull();
  }

  @Test
  @DisplayName("A value sealed under another key, or relabelled with this key's id, does not open")
  void wrongKey() {
    SessionCodec elsewhere = new SessionCodec(SessionKeys.parse("k1:some-other-console-secret-abcdefghijklmn"), clock);
    String foreign = elsewhere.seal(signIn(elsewhere, Duration.ofHours(1)));
    assertThat(codec.open(foreign)).isNull();
    SessionCodec random = new SessionCodec(SessionKeys.random(), clock);
    assertThat(codec.open(random.seal(signIn(random, Duration.ofHours(1))))).isNull();
    SessionCodec both = new SessionCodec(SessionKeys.parse(NEW + "," + OLD), clock);
    String underNew = both.seal(signIn(both, Duration.ofHours(1)));
    assertThat(codec.open(underNew)).as("k2 is unknown to a console with k1 only").isNull();
    assertThat(codec.open("k1" + underNew.substring(2))).as("relabelled k2 value").isNull();
  }

  @Test
  @DisplayName("Rotation: with a new key first, old cookies still open and new ones are sealed under the new key; "
      + "once the old key is dropped its cookies no longer open")
  void rotation() {
    String underOld = codec.seal(signIn(codec, Duration.ofHours(1)));
    SessionCodec rotated = new SessionCodec(SessionKeys.parse(NEW + "," + OLD), clock);
    ConsoleSession opened = rotated.open(underOld);
    assertThat(opened).isNotNull();
    assertThat(opened.token()).isEqualTo("tok-secret-bearer");
    String resealed = rotated.seal(opened);
    assertThat(resealed).startsWith("k2.");
    SessionCodec newOnly = new SessionCodec(SessionKeys.parse(NEW), clock);
    assertThat(newOnly.open(resealed)).isNotNull();
    assertThat(newOnly.open(underOld)).isNull();
  }

  @Test
  @DisplayName("A session ends when its API token expires, even while in use")
  void tokenExpiry() {
    ConsoleSession s = signIn(codec, Duration.ofMinutes(45));
    String value = codec.seal(s);
    clock.advance(Duration.ofMinutes(25));
    ConsoleSession used = codec.open(value);
    assertThat(used).isNotNull();
    String touched = codec.seal(used);
    clock.advance(Duration.ofMinutes(20));
    assertThat(codec.open(touched)).isNull();
  }

  @Test
  @DisplayName("A session used within the idle timeout lives on; one left idle longer does not open")
  void idleTimeout() {
    String busy = codec.seal(signIn(codec, Duration.ofHours(8)));
    String idle = codec.seal(signIn(codec, Duration.ofHours(8)));
    for (int i = 0; i < 4; i++) {
      clock.advance(SessionCodec.IDLE_TIMEOUT.minusMinutes(1));
      ConsoleSession s = codec.open(busy);
      assertThat(s).as("round %d", i).isNotNull();
      assertThat(s.changed()).as("touched, so sealed anew").isTrue();
      busy = codec.seal(s);
    }
    assertThat(codec.open(idle)).isNull();
  }

  @Test
  @DisplayName("A session is not sealed anew on every request, only once its last use is a minute old")
  void touchInterval() {
    String value = codec.seal(signIn(codec, Duration.ofHours(8)));
    clock.advance(Duration.ofSeconds(30));
    assertThat(codec.open(value).changed()).isFalse();
    clock.advance(Duration.ofSeconds(30));
    assertThat(codec.open(value).changed()).isTrue();
  }

  @Test
  @DisplayName("A session ends after 12 hours even when its token would live longer and it is used all along")
  void maxLifetime() {
    String value = codec.seal(signIn(codec, Duration.ofDays(7)));
    for (int i = 0; i < 12 * 60 / 20 - 1; i++) {
      clock.advance(Duration.ofMinutes(20));
      ConsoleSession s = codec.open(value);
      assertThat(s).as("after %d minutes", (i + 1) * 20).isNotNull();
      value = codec.seal(s);
    }
    clock.advance(Duration.ofMinutes(20));
    assertThat(codec.open(value)).isNull();
  }

  @Test
  @DisplayName("The cookie stays under the size browsers keep: a long notice is cut, an oversized token is refused")
  void sizeBounded() {
    ConsoleSession s = signIn(codec, Duration.ofHours(1));
    s.notice(Notice.error("x".repeat(10_000)));
    String value = codec.seal(s);
    assertThat(value.length()).isLessThanOrEqualTo(CookieSeal.MAX_VALUE_CHARS);
    assertThat(codec.open(value).takeNotice().text()).hasSize(SessionCodec.MAX_NOTICE_CHARS).endsWith("…");
    ConsoleSession huge = codec.create(new SignIn("t".repeat(4000), START.plus(Duration.ofHours(1)), TINA));
    assertThatThrownBy(() -> codec.seal(huge)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("more than a cookie holds").hasMessageNotContaining("tttt");
  }

  @Test
  @DisplayName("The keys variable is kid:secret,…: short secrets, bad or repeated ids are refused without echoing a secret")
  void keysParsing() {
    assertThat(SessionKeys.parse(NEW + ", " + OLD).ids()).containsExactly("k2", "k1");
    assertThat(SessionKeys.parse(OLD).isRandom()).isFalse();
    assertThat(SessionKeys.random().isRandom()).isTrue();
    assertThat(SessionKeys.parse(OLD).toString()).doesNotContain("first-secret");
    assertThatThrownBy(() -> SessionKeys.parse("k1:too-short")).hasMessageContaining("at least 32 bytes")
        .hasMessageNotContaining("too-short");
    assertThatThrownBy(() -> SessionKeys.parse(OLD + "," + OLD)).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> SessionKeys.parse("no-kid-here-but-a-long-secret-0123456789"))
        .hasMessageContaining("kid:secret").hasMessageNotContaining("long-secret");
    assertThatThrownBy(() -> SessionKeys.parse("k.1:first-secret-of-the-console-0123456789"))
        .hasMessageContaining("key id");
  }
}
