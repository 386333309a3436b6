package io.mmaas.controlplane.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target: the API-key parser the gateway runs on every presented key before any lookup
 * ({@link ApiKeyFormat#parse}). Input: the key as UTF-8 (or, after a leading {@code 0x00}, as Latin-1, so every char
 * up to 255 is reachable). Contract: null, or the parts of a key in exactly the documented format whose checksum
 * matches — never an exception (a 500) or a hang; a generated key always parses back.
 *
 * <p>Seeds replay in every test run; {@code JAZZER_FUZZ=1} fuzzes ({@code bench/fuzz.sh}).
 */
@DisplayName("Fuzzing: API keys parse to their parts or to null, never an exception")
class ApiKeyFormatFuzzTest {
  private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  @FuzzTest(maxDuration = "10m")
  void parse(byte[] input) {
    String key = input.length > 0 && input[0] == 0
        ? new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1)
        : new String(input, StandardCharsets.UTF_8);
    ApiKeyFormat.Parsed parsed = ApiKeyFormat.parse(key);
    if (parsed != null) {
      assertThat(key).hasSize(ApiKeyFormat.LENGTH).startsWith(ApiKeyFormat.PREFIX);
      assertThat(parsed.keyId()).hasSize(ApiKeyFormat.KEY_ID_LENGTH);
      assertThat(parsed.secret()).hasSize(ApiKeyFormat.SECRET_LENGTH);
      assertThat((parsed.keyId() + parsed.secret()).chars().allMatch(c -> BASE62.indexOf(c) >= 0)).isTrue();
      assertThat(key).startsWith(ApiKeyFormat.displayPrefix(parsed.keyId()) + "_" + parsed.secret());
      assertThat(parsed.toString()).doesNotContain(parsed.secret());
      assertThat(ApiKeyFormat.hashSecret(parsed.secret())).hasSize(32);
    }
    if (input.length > 0 && input[0] == 'g') {
      ApiKeyFormat.Generated generated = ApiKeyFormat.generate();
      assertThat(ApiKeyFormat.parse(generated.key())).isNotNull();
    }
  }
}
