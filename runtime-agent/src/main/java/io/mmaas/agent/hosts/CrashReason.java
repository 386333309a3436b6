package io.mmaas.agent.hosts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Says how a host died, from what is left: its exit status, the JVM's fatal-error report (a signal in native code
 * makes the JVM write {@code hs_err} and abort, so the status alone would say SIGABRT), and whether its memory
 * ceiling killed it.
 */
final class CrashReason {
  /** The host's own exit code when its Java heap ran out ({@code -XX:+ExitOnOutOfMemoryError}). */
  static final int JAVA_HEAP_EXHAUSTED = 3;
  /** The host's exit code when it could not listen where it was told. */
  static final int CANNOT_LISTEN = 4;

  private static final Map<Integer, String> SIGNALS = Map.ofEntries(Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"),
      Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"), Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"),
      Map.entry(7, "SIGBUS"), Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"), Map.entry(11, "SIGSEGV"),
      Map.entry(13, "SIGPIPE"), Map.entry(15, "SIGTERM"), Map.entry(24, "SIGXCPU"), Map.entry(25, "SIGXFSZ"),
      Map.entry(31, "SIGSYS"));
  private static final Pattern FATAL_SIGNAL = Pattern.compile("^#\\s+(SIG[A-Z]+) \\(0x[0-9a-f]+\\)");

  private CrashReason() {}

  /**
   * @param exitCode the process's exit status (128 + N for signal N, as Java reports it)
   * @param errorFile the JVM's fatal-error report, if it wrote one
   * @param outOfMemory whether the host's memory ceiling killed it
   * @param ceilingBytes that ceiling, for the reason text
   */
  static String of(int exitCode, Path errorFile, boolean outOfMemory, long ceilingBytes) {
    if (outOfMemory) {
      return "killed for going over its memory ceiling of " + (ceilingBytes >> 20) + " MiB (SIGKILL)";
    }
    String fatal = fatalSignal(errorFile);
    if (fatal != null) {
      return fatal;
    }
    if (exitCode > 128 && exitCode < 128 + 64) {
      return SIGNALS.getOrDefault(exitCode - 128, "signal " + (exitCode - 128));
    }
    if (exitCode == JAVA_HEAP_EXHAUSTED) {
      return "out of Java heap";
    }
    if (exitCode == CANNOT_LISTEN) {
      return "could not listen on its port";
    }
    return "exited with status " + exitCode;
  }

  /** The signal named in the JVM's fatal-error report ("SIGFPE"), or null. */
  static String fatalSignal(Path errorFile) {
    if (errorFile == null || !Files.isRegularFile(errorFile)) {
      return null;
    }
    try (Stream<String> lines = Files.lines(errorFile)) {
      return lines.limit(40).map(FATAL_SIGNAL::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
          .orElse(null);
    } catch (IOException | java.io.UncheckedIOException e) {
      return null;
    }
  }
}
