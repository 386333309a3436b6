package io.mmaas.system;

import io.mmaas.controlplane.testing.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures one test class measures: each printed as a {@code [figure]} line when it is known, and all of them
 * written to {@code system-tests/target/reports/<file>} at the end (the raw output kept in bench/results).
 */
final class Figures {
  private final String file;
  private final List<String> lines = new ArrayList<>();

  Figures(String file) {
    this.file = file;
  }

  synchronized void add(String line) {
    System.out.println("[figure] " + line);
    lines.add("[figure] " + line);
  }

  /** Writes the report under a {@code # title (time, settings)} heading; nothing when no figure was measured. */
  synchronized void write(String title, String settings) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    Path reports = JavaProcess.repoRoot().resolve("system-tests/target/reports");
    Files.createDirectories(reports);
    Files.writeString(reports.resolve(file), "# " + title + " (" + Instant.now() + (settings.isEmpty() ? "" : ", "
        + settings) + ")\n\n" + String.join("\n", lines) + "\n");
  }
}
