package io.mmaas.agent.controlplane;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the node's capabilities: CPUs from the JVM, memory from {@code /proc/meminfo}, GPUs from
 * {@code nvidia-smi} when it is installed. Blocking: run it on a worker, once at start.
 */
public final class HostProbe {
  private static final Logger log = LoggerFactory.getLogger(HostProbe.class);

  private HostProbe() {}

  public static Capabilities probe(List<String> executionProviders) {
    List<Capabilities.Gpu> gpus = executionProviders.contains("CUDA") ? gpus() : List.of();
    return new Capabilities(executionProviders, Runtime.getRuntime().availableProcessors(), hostMemory(), gpus);
  }

  private static long hostMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("no /proc/meminfo: {}", e.getMessage());
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }

  private static List<Capabilities.Gpu> gpus() {
    List<Capabilities.Gpu> gpus = new ArrayList<>();
    try {
      Process process = new ProcessBuilder(
              "nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader,nounits")
          .redirectErrorStream(true)
          .start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        log.warn("nvidia-smi did not answer in 10 s; reporting no GPUs");
        return List.of();
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        log.warn("nvidia-smi failed: {}", output.strip());
        return List.of();
      }
      for (String line : output.strip().split("\n")) {
        int comma = line.lastIndexOf(',');
        if (comma > 0) {
          long mib = Long.parseLong(line.substring(comma + 1).trim());
          gpus.add(new Capabilities.Gpu(line.substring(0, comma).trim(), mib * 1024 * 1024));
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot list GPUs with nvidia-smi: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return gpus;
  }
}
