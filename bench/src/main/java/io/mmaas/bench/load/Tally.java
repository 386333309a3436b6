package io.mmaas.bench.load;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** Counts answers for one target while a run is in progress (safe from several event loops). */
final class Tally {
  private final String name;
  private final int concurrency;
  private final long startNanos;
  private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final Recorder micros = new Recorder(3);
  private final AtomicLongArray okPerSecond;

  Tally(String name, int concurrency, long startNanos, double seconds) {
    this.name = name;
    this.concurrency = concurrency;
    this.startNanos = startNanos;
    this.okPerSecond = new AtomicLongArray((int) Math.ceil(seconds) + 1);
  }

  void record(int status, long sentNanos, long doneNanos) {
    statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
    if (status == 200) {
      micros.recordValue(Math.max(1, (doneNanos - sentNanos) / 1000));
      int second = (int) ((doneNanos - startNanos) / 1_000_000_000L);
      if (second >= 0 && second < okPerSecond.length()) {
        okPerSecond.incrementAndGet(second);
      }
    }
  }

  LoadResult result(double seconds) {
    Map<Integer, Long> s = new HashMap<>();
    statuses.forEach((k, v) -> s.put(k, v.sum()));
    int whole = (int) Math.floor(seconds);
    long[] perSecond = new long[whole];
    for (int i = 0; i < whole; i++) {
      perSecond[i] = okPerSecond.get(i);
    }
    return new LoadResult(name, concurrency, seconds, s, micros.getIntervalHistogram(), perSecond);
  }
}
