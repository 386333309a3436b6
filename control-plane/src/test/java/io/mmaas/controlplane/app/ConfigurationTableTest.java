package io.mmaas.controlplane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Every MMAAS_ variable the control plane reads is in the README's configuration table")
class ConfigurationTableTest {
  private static final Pattern VARIABLE = Pattern.compile("\"(MMAAS_[A-Z0-9_]+)\"");
  private static final Pattern IN_TABLE = Pattern.compile("`(MMAAS_[A-Z0-9_]+)`");

  @Test
  @DisplayName("no variable is read that the table does not describe")
  void codeAndTableAgree() throws IOException {
    Set<String> read = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = VARIABLE.matcher(Files.readString(f));
        while (m.find()) {
          read.add(m.group(1));
        }
      }
    }
    String readme = Files.readString(Path.of("../README.md"));
    int start = readme.indexOf("## Configuration");
    String table = readme.substring(start, readme.indexOf("\n## ", start + 1));
    Set<String> documented = new TreeSet<>();
    Matcher m = IN_TABLE.matcher(table);
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(read).as("read by the control plane").isNotEmpty();
    assertThat(documented).as("the README's configuration table").containsAll(read);
  }
}
