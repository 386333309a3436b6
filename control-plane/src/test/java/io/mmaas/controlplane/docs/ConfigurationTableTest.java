package io.mmaas.controlplane.docs;

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

/** Every configuration variable the code reads is in the README's configuration table, and the table has no ghost. */
@DisplayName("The README's configuration table and the code read the same MMAAS_ variables")
class ConfigurationTableTest {
  private static final Pattern VARIABLE = Pattern.compile("\"(MMAAS_[A-Z0-9_]+)\"");
  /** What the local start scripts read: {@code ${MMAAS_X:-default}} or {@code ${MMAAS_X}}. */
  private static final Pattern SCRIPT_VARIABLE = Pattern.compile("\\$\\{(MMAAS_[A-Z0-9_]+)[:}]");
  private static final Pattern DOCUMENTED = Pattern.compile("`(MMAAS_[A-Z0-9_]+)`");

  @Test
  @DisplayName("each variable read by the control plane, the agent, the console or up.sh/down.sh is documented, and each documented one is read")
  void inStep() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Set<String> read = new TreeSet<>();
    for (String module : new String[] {"control-plane", "runtime-agent", "web-console"}) {
      try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = VARIABLE.matcher(Files.readString(file));
          while (m.find()) {
            read.add(m.group(1));
          }
        }
      }
    }
    for (String script : new String[] {"deploy/local/up.sh", "deploy/local/down.sh"}) {
      Matcher m = SCRIPT_VARIABLE.matcher(Files.readString(root.resolve(script)));
      while (m.find()) {
        read.add(m.group(1));
      }
    }
    String readme = Files.readString(root.resolve("README.md"));
    String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## Audit log"));
    Set<String> documented = new TreeSet<>();
    Matcher m = DOCUMENTED.matcher(table);
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(read).as("variables the code reads").isNotEmpty();
    assertThat(documented).as("the README's configuration table").containsAll(read);
    assertThat(read).as("variables the code reads").containsAll(documented);
  }
}
