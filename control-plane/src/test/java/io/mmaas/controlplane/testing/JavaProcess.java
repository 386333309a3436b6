package io.mmaas.controlplane.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deployable started as a real child process from its packaged jar, its output captured in a log file. Used by the
 * system tests and the benchmarks, which both run the jars the build ships.
 */
public final class JavaProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private JavaProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** The repository root: {@code -Dmmaas.repo.root} (set by the system tests' surefire), else the working directory. */
  public static Path repoRoot() {
    return Path.of(System.getProperty("mmaas.repo.root", ".")).toAbsolutePath().normalize();
  }

  /** The packaged jar of a module; fails clearly when the build has not produced it. */
  public static Path jar(String module) {
    Path jar = repoRoot().resolve(module).resolve("target").resolve(module + "-app.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: package the modules first ('mvn -B verify', or for the "
          + "benchmarks 'mvn -B -pl bench -am package -DskipTests' from the repository root)");
    }
    return jar;
  }

  /**
   * Starts {@code module}'s jar with {@code -Xmx<heap>} and {@code env} (inherited MMAAS_* variables removed), its
   * output going to {@code logs/<name>.log}.
   */
  public static JavaProcess start(String name, String module, String heap, Path logs, Map<String, String> env)
      throws IOException {
    return launch(name, List.of("-Xmx" + heap, "-jar", jar(module).toString()), logs, env);
  }

  /** Starts {@code mainClass} from {@code classpath} with {@code args}, the same way (a benchmark's helper process). */
  public static JavaProcess startMain(String name, Path classpath, String mainClass, String heap, Path logs,
                                      Map<String, String> env, String... args) throws IOException {
    List<String> javaArgs = new ArrayList<>(List.of("-Xmx" + heap, "-cp", classpath.toString(), mainClass));
    javaArgs.addAll(List.of(args));
    return launch(name, javaArgs, logs, env);
  }

  private static JavaProcess launch(String name, List<String> javaArgs, Path logs, Map<String, String> env)
      throws IOException {
    Files.createDirectories(logs);
    Path log = logs.resolve(name + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(javaArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MMAAS_"));
    pb.environment().putAll(env);
    return new JavaProcess(name, pb.start(), log);
  }

  /** Waits until the log has a line matching {@code regex} and returns its first group. */
  public String awaitLog(String regex, Duration timeout) throws IOException, InterruptedException {
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

  public String tail() throws IOException {
    String all = Files.readString(log, StandardCharsets.UTF_8);
    return all.length() > 6000 ? all.substring(all.length() - 6000) : all;
  }

  /** Counts the log lines containing {@code text} (e.g. warnings seen during a run). */
  public long countLines(String text) throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text)).count();
  }

  /** The name the process was started with (its log file's name). */
  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * Stops the process and its children (an agent's model hosts) where they stand (SIGSTOP): they keep their sockets,
   * and the kernel still accepts connections.
   */
  public void suspend() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a {@link #suspend suspended} process and its children run again (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("kill", "-" + name,
        Long.toString(process.pid())));
    process.toHandle().descendants().forEach(child -> command.add(Long.toString(child.pid())));
    int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + exit);
    }
  }

  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
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
