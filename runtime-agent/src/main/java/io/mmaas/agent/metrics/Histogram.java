package io.mmaas.agent.metrics;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/** A Prometheus histogram with fixed upper bounds; recording is lock-free. */
final class Histogram {
  private final double[] bounds;
  private final LongAdder[] counts;
  private final LongAdder count = new LongAdder();
  private final DoubleAdder sum = new DoubleAdder();

  Histogram(double... bounds) {
    this.bounds = bounds.clone();
    this.counts = new LongAdder[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  void record(double value) {
    for (int i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        counts[i].increment();
        break;
      }
    }
    count.increment();
    sum.add(value);
  }

  long count() {
    return count.sum();
  }

  /** Appends the {@code _bucket}, {@code _sum} and {@code _count} samples; {@code labels} is {@code a="b",c="d"}. */
  void write(StringBuilder out, String name, String labels) {
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += counts[i].sum();
      out.append(name).append("_bucket{").append(labels).append(",le=\"").append(format(bounds[i])).append("\"} ")
          .append(cumulative).append('\n');
    }
    long total = count.sum();
    out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(Math.max(total, cumulative))
        .append('\n');
    out.append(name).append("_sum{").append(labels).append("} ").append(sum.sum()).append('\n');
    out.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
  }

  private static String format(double bound) {
    return bound == Math.rint(bound) ? Long.toString((long) bound) + ".0" : Double.toString(bound);
  }
}
