package io.mmaas.bench.report;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time (user + system) a process has used so far, from /proc/&lt;pid&gt;/stat, in milliseconds: the difference over
 * a run, divided by the requests served, says what each component costs per request on a shared machine where
 * throughput alone mostly says who got the cores. Linux only; -1 elsewhere.
 */
public final class CpuTime {
  private static final double MILLIS_PER_TICK = 10;   // USER_HZ is 100 on Linux

  private CpuTime() {
  }

  public static double millis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MILLIS_PER_TICK;   // utime, stime (fields 14, 15)
    } catch (Exception e) {
      return -1;
    }
  }
}
