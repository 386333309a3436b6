package io.mmaas.bench.report;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A benchmark's results: a JSON document and a short Markdown summary, written as
 * {@code <dir>/<name>-<time>.json} and {@code .md} (the naming of the agent benchmark).
 */
public final class Report {
  private final String name;
  private final JsonObject json = new JsonObject();
  private final StringBuilder md = new StringBuilder();

  public Report(String name, String title) {
    this.name = name;
    json.put("benchmark", name).put("when", LocalDateTime.now().toString())
        .put("java", System.getProperty("java.version"));
    md.append("# ").append(title).append(' ').append(LocalDateTime.now().withNano(0)).append("\n\n");
  }

  public JsonObject json() {
    return json;
  }

  /** Appends Markdown (a line, a table, a paragraph) and echoes it to stdout as the run goes. */
  public Report md(String text) {
    md.append(text);
    System.out.print(text);
    System.out.flush();
    return this;
  }

  public Report line(String format, Object... args) {
    return md(String.format(java.util.Locale.ROOT, format, args) + "\n");
  }

  public Path write(Path dir) throws IOException {
    Files.createDirectories(dir);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Files.writeString(dir.resolve(name + "-" + stamp + ".json"), json.encodePrettily());
    Path out = dir.resolve(name + "-" + stamp + ".md");
    Files.writeString(out, md.toString());
    return out;
  }
}
