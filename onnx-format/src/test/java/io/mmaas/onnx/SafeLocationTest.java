package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("SafeLocation: paths inside a model's folder are segments of letters, digits, '.', '_', '-'")
class SafeLocationTest {

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"w.bin", "weights/w.bin", "a/b/c/d.bin", "W-1_2.3", "..w", "w..", ".hidden", "a/...",
      "0"})
  @DisplayName("accepts relative paths of allowed segments")
  void safe(String path) {
    assertThat(SafeLocation.isSafe(path)).isTrue();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "/", "/w.bin", "w.bin/", "a//b", ".", "..", "./w", "a/.", "a/../b", "../w",
      "*/_ORT_MEM_ADDR_/*", "*", "w*", "a\\b", "C:w", "C:/w", "w\0", "w\n", "w\t", "w\u007f", "w b", "w%2e",
      "\u00e9.bin", "w\u2215x", "~/w", "$HOME", "w?", "w;x"})
  @DisplayName("refuses empty, absolute, dotted, backslash, drive, control and any other character")
  void unsafe(String path) {
    assertThat(SafeLocation.isSafe(path)).isFalse();
  }

  @Test
  @DisplayName("bounds each segment to 255 characters and the whole path to 1024")
  void bounded() {
    assertThat(SafeLocation.isSafe("a".repeat(255))).isTrue();
    assertThat(SafeLocation.isSafe("a".repeat(256))).isFalse();
    String path = ("a".repeat(254) + "/").repeat(4) + "a".repeat(4);  // 4 * 255 + 4 = 1024
    assertThat(path).hasSize(1024);
    assertThat(SafeLocation.isSafe(path)).isTrue();
    assertThat(SafeLocation.isSafe(path + "a")).isFalse();
    assertThat(SafeLocation.isSafe(null)).isFalse();
  }

  @Test
  @DisplayName("the refusal names the field and shows the path without control characters")
  void message() {
    assertThatThrownBy(() -> SafeLocation.check("initializer 'w': external data location", "a\0\n/*"))
        .isInstanceOf(InvalidModelException.class)
        .hasMessage("initializer 'w': external data location 'a??/*' is not a safe relative path "
            + "(allowed: path segments of letters, digits, '.', '_', '-')");
  }
}
