package io.mmaas.console.pages;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How times and sizes read on the pages. */
public final class Format {
  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SHOWN_SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Format() {}

  /** An instant as people read it; anything else as it came; empty for null. */
  public static String time(String iso) {
    return format(iso, SHOWN);
  }

  public static String timeSeconds(String iso) {
    return format(iso, SHOWN_SECONDS);
  }

  private static String format(String iso, DateTimeFormatter f) {
    if (iso == null) {
      return "";
    }
    try {
      return f.format(Instant.parse(iso));
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  /** "12 s ago", "3 min ago", "2 h ago", "4 d ago"; "never" for null. */
  public static String ago(String iso, Instant now) {
    if (iso == null) {
      return "never";
    }
    try {
      long s = Math.max(0, Duration.between(Instant.parse(iso), now).toSeconds());
      return s < 120 ? s + " s ago" : s < 7200 ? s / 60 + " min ago" : s < 172_800 ? s / 3600 + " h ago"
          : s / 86_400 + " d ago";
    } catch (DateTimeParseException e) {
      return iso;
    }
  }

  /** Bytes in binary units with one decimal: "512 B", "1.5 KiB", "7.8 GiB". */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
