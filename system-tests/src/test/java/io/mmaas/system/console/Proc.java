package io.mmaas.system.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A packaged deployable started as a child process for the console's browser tests, its output in a log file. */
final class Proc implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private Proc(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static Path repoRoot() {
    return Path.of(System.getProperty("mmaas.repo.root", "..")).toAbsolutePath().normalize();
  }

  static Proc start(String name, String module, Map<String, String> env) throws IOException {
    Path jar = repoRoot().resolve(module).resolve("target").resolve(module + "-app.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: package the modules first (mvn install -DskipTests)");
    }
    Path logs = repoRoot().resolve("system-tests/target/process-logs");
    Files.createDirectories(logs);
    Path log = logs.resolve("console-test-" + name + ".log");
    ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-jar", jar.toString())).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MMAAS_"));
    pb.environment().putAll(env);
    return new Proc(name, pb.start(), log);
  }

  /** Waits for a log line matching {@code regex}; answers its first group (or the whole match). */
  String awaitLog(String regex, Duration timeout) throws IOException, InterruptedException {
    Pattern p = Pattern.compile(regex);
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Matcher m = p.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : m.group();
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not log /" + regex + "/ within " + timeout + ":\n" + tail());
  }

  String tail() throws IOException {
    String all = Files.readString(log, StandardCharsets.UTF_8);
    return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
