package io.mmaas.console.usage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The time windows the usage page offers, each with the bucket the API aggregates by. The window ends at the end of
 * the current bucket, so the last point is the one still filling.
 */
public enum UsageRange {
  HOUR("1h", "Last hour", "minute", ChronoUnit.MINUTES, 60),
  DAY("24h", "Last 24 hours", "hour", ChronoUnit.HOURS, 24),
  WEEK("7d", "Last 7 days", "hour", ChronoUnit.HOURS, 168),
  MONTH("30d", "Last 30 days", "day", ChronoUnit.DAYS, 30);

  private final String key;
  private final String label;
  private final String by;
  private final ChronoUnit unit;
  private final int buckets;

  UsageRange(String key, String label, String by, ChronoUnit unit, int buckets) {
    this.key = key;
    this.label = label;
    this.by = by;
    this.unit = unit;
    this.buckets = buckets;
  }

  /** The range named {@code key}, the last 24 hours when null; null for anything else. */
  public static UsageRange of(String key) {
    if (key == null) {
      return DAY;
    }
    for (UsageRange r : values()) {
      if (r.key.equals(key)) {
        return r;
      }
    }
    return null;
  }

  public String key() {
    return key;
  }

  public String label() {
    return label;
  }

  /** The API's {@code by} parameter. */
  public String by() {
    return by;
  }

  /** The exclusive end of the window: the end of the bucket {@code now} falls in. */
  public Instant to(Instant now) {
    return now.truncatedTo(unit).plus(1, unit);
  }

  public Instant from(Instant now) {
    return to(now).minus(buckets, unit);
  }

  /** The start of every bucket in the window, oldest first. */
  public List<Instant> buckets(Instant now) {
    List<Instant> out = new ArrayList<>(buckets);
    Instant t = from(now);
    for (int i = 0; i < buckets; i++) {
      out.add(t);
      t = t.plus(1, unit);
    }
    return out;
  }

  /** How a bucket's start reads on the time axis. */
  String axisPattern() {
    return switch (this) {
      case HOUR, DAY -> "HH:mm";
      case WEEK -> "MM-dd HH:mm";
      case MONTH -> "MM-dd";
    };
  }
}
