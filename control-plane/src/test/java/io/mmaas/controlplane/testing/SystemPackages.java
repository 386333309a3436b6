package io.mmaas.controlplane.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian packages some tests need (the browser of the console tests, ONNX's backend test data): installed with
 * {@code apt-get} on first use when missing, as root or through {@code sudo -n}, the way {@code .ci/run} does, so
 * that {@code mvn -B verify} needs nothing installed by hand. Where it cannot install, it fails saying what to
 * install; a test is never skipped for want of one.
 */
public final class SystemPackages {
  private static boolean updated;

  private SystemPackages() {}

  /** Makes sure {@code provides} (a file of Debian package {@code pkg}) exists, installing the package if needed. */
  public static synchronized void require(String pkg, Path provides) {
    if (Files.exists(provides)) {
      return;
    }
    String manual = provides + " is missing: install Debian's " + pkg + " (apt-get install -y " + pkg + ")";
    List<String> prefix = privilege();
    if (prefix == null || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
      throw new IllegalStateException(manual + "; this test installs it itself only where apt-get can run as root");
    }
    System.err.println("[mmaas tests] installing Debian's " + pkg + " (" + provides + " is missing)");
    if (!updated) {
      run(prefix, manual, "update");
      updated = true;
    }
    run(prefix, manual, "install", "-y", pkg);
    if (!Files.exists(provides)) {
      throw new IllegalStateException(manual + "; apt-get installed " + pkg + " but " + provides + " is still missing");
    }
  }

  /** The command prefix that runs apt-get as root: none when this is root, {@code sudo -n} when allowed, else null. */
  private static List<String> privilege() {
    if ("0".equals(output(List.of("id", "-u")))) {
      return List.of();
    }
    return "0".equals(output(List.of("sudo", "-n", "id", "-u"))) ? List.of("sudo", "-n") : null;
  }

  private static void run(List<String> prefix, String manual, String... args) {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of("apt-get", "-q", "-o", "DPkg::Lock::Timeout=600"));
    cmd.addAll(List.of(args));
    try {
      Path log = Files.createTempFile("mmaas-apt-", ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
      Process p = pb.start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(manual + "; " + String.join(" ", cmd) + " took over 15 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(manual + "; " + String.join(" ", cmd) + " failed (" + p.exitValue() + "):\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new IllegalStateException(manual + "; cannot run apt-get: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(manual, e);
    }
  }

  private static String output(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
