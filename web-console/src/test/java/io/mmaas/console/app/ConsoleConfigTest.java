package io.mmaas.console.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The configuration comes from MMAAS_CONSOLE_* variables with single-machine defaults")
class ConsoleConfigTest {

  @Test
  @DisplayName("With nothing set, the console listens on 127.0.0.1:8090 and calls http://127.0.0.1:8080 with plain cookies")
  void defaults() {
    ConsoleConfig config = ConsoleConfig.from(Map.of());
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8090);
    assertThat(config.apiBase()).isEqualTo("http://127.0.0.1:8080");
    assertThat(config.secureCookies()).isFalse();
  }

  @Test
  @DisplayName("Set variables win; port 0 is allowed and a trailing slash on the API URL is dropped")
  void overrides() {
    ConsoleConfig config = ConsoleConfig.from(Map.of(
        "MMAAS_CONSOLE_HOST", "0.0.0.0",
        "MMAAS_CONSOLE_PORT", "0",
        "MMAAS_CONSOLE_API_URL", "https://cp.internal:9443/",
        "MMAAS_CONSOLE_SECURE_COOKIES", "TRUE"));
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isZero();
    assertThat(config.apiBase()).isEqualTo("https://cp.internal:9443");
    assertThat(config.secureCookies()).isTrue();
    assertThat(config.toString()).contains("https://cp.internal:9443", "secureCookies=true");
  }

  @Test
  @DisplayName("MMAAS_CONSOLE_SESSION_KEYS gives the session keys (never printed); without it a random key of the process")
  void sessionKeys() {
    ConsoleConfig config = ConsoleConfig.from(Map.of(
        "MMAAS_CONSOLE_SESSION_KEYS", "new:the-new-console-session-secret-0123456789, old:the-old-console-secret-987654321"));
    assertThat(config.sessionKeys().ids()).containsExactly("new", "old");
    assertThat(config.sessionKeys().isRandom()).isFalse();
    assertThat(config.toString()).contains("sessionKeys=[new, old]").doesNotContain("secret");
    assertThat(ConsoleConfig.from(Map.of()).sessionKeys().isRandom()).isTrue();
    assertThatThrownBy(() -> ConsoleConfig.from(Map.of("MMAAS_CONSOLE_SESSION_KEYS", "k:short")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MMAAS_CONSOLE_SESSION_KEYS");
  }

  @Test
  @DisplayName("Cookies are Secure by default unless the console listens on loopback only; the variable still decides")
  void secureUnlessLoopback() {
    assertThat(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_HOST", "0.0.0.0")).secureCookies()).isTrue();
    assertThat(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_HOST", "10.1.2.3")).secureCookies()).isTrue();
    assertThat(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_HOST", "::")).secureCookies()).isTrue();
    assertThat(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_HOST", "127.0.0.1")).secureCookies()).isFalse();
    assertThat(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_HOST", "::1")).secureCookies()).isFalse();
    assertThat(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_HOST", "localhost")).secureCookies()).isFalse();
    assertThat(ConsoleConfig.from(Map.of("MMAAS_CONSOLE_HOST", "0.0.0.0", "MMAAS_CONSOLE_SECURE_COOKIES", "false"))
        .secureCookies()).isFalse();
  }

  @Test
  @DisplayName("Bad values stop the start with a message naming the variable")
  void badValues() {
    assertThatThrownBy(() -> ConsoleConfig.from(Map.of("MMAAS_CONSOLE_PORT", "http")))
        .hasMessageContaining("MMAAS_CONSOLE_PORT");
    assertThatThrownBy(() -> ConsoleConfig.from(Map.of("MMAAS_CONSOLE_PORT", "70000")))
        .hasMessageContaining("MMAAS_CONSOLE_PORT");
    assertThatThrownBy(() -> ConsoleConfig.from(Map.of("MMAAS_CONSOLE_SECURE_COOKIES", "yes")))
        .hasMessageContaining("MMAAS_CONSOLE_SECURE_COOKIES");
    assertThatThrownBy(() -> ConsoleConfig.from(Map.of("MMAAS_CONSOLE_API_URL", "ftp://cp:21")))
        .hasMessageContaining("MMAAS_CONSOLE_API_URL");
    assertThatThrownBy(() -> ConsoleConfig.from(Map.of("MMAAS_CONSOLE_API_URL", "http://user:secret@cp:8080")))
        .hasMessageContaining("MMAAS_CONSOLE_API_URL");
    assertThatThrownBy(() -> ConsoleConfig.from(Map.of("MMAAS_CONSOLE_API_URL", "cp:8080")))
        .hasMessageContaining("MMAAS_CONSOLE_API_URL");
  }
}
