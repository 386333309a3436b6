package io.mmaas.agent.runtime;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Best-effort measure of the memory a native session takes: the growth of the process's resident set
 * ({@code VmRSS} in {@code /proc/self/status}) minus the growth of memory the JVM itself committed (heap,
 * non-heap, direct buffers) over the same interval. Loads running in parallel see each other's growth, and the
 * allocator may keep freed pages; callers combine this with the model file size (see {@link OrtModelRuntime}).
 */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /** One reading: resident bytes (empty where /proc is unavailable) and JVM-committed bytes. */
  public record Snapshot(OptionalLong residentBytes, long jvmBytes) {
    /** Bytes outside the JVM's own accounting that appeared since {@code before}; 0 when unknown or negative. */
    public long nativeGrowthSince(Snapshot before) {
      if (residentBytes.isEmpty() || before.residentBytes.isEmpty()) {
        return 0;
      }
      long resident = residentBytes.getAsLong() - before.residentBytes.getAsLong();
      return Math.max(0, resident - (jvmBytes - before.jvmBytes));
    }
  }

  public static Snapshot snapshot() {
    return new Snapshot(residentBytes(), jvmBytes());
  }

  private static OptionalLong residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring("VmRSS:".length()).replace("kB", "").trim();
          return OptionalLong.of(Long.parseLong(kb) * 1024);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or /proc is hidden: the caller falls back to the file size
    }
    return OptionalLong.empty();
  }

  private static long jvmBytes() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long committed = memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted();
    List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
    for (BufferPoolMXBean pool : pools) {
      committed += Math.max(0, pool.getMemoryUsed());
    }
    return committed;
  }
}
