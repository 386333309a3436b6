package io.mmaas.console.usage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * A line chart as SVG geometry, computed on the server so the page needs no script: one polyline per series in a
 * fixed {@value #WIDTH}×{@value #HEIGHT} view box, three horizontal grid lines and about six time labels. The
 * template draws it; every text in it (series names come from tenants) is escaped there.
 */
public record LineChart(String id, String title, List<Line> lines, List<Tick> yTicks, List<Tick> xTicks) {
  public static final int WIDTH = 720;
  public static final int HEIGHT = 220;
  public static final int LEFT = 64;
  public static final int RIGHT = 12;
  public static final int TOP = 12;
  public static final int BOTTOM = 28;
  static final int MAX_SERIES = 8;

  /** One series: its name, its colour slot (0-7, a CSS class) and its points as "x,y x,y …". */
  public record Line(String name, int slot, String points, String totalText) {}

  /** A label on an axis at {@code position} (y for the value axis, x for the time axis). */
  public record Tick(double position, String label) {}

  /** One named series of values, one per bucket. */
  public record Series(String name, double[] values, String totalText) {}

  public static LineChart of(String id, String title, List<Instant> buckets, String axisPattern, List<Series> series,
      DoubleFunction<String> valueText) {
    double max = 0;
    for (Series s : series) {
      for (double v : s.values()) {
        max = Math.max(max, v);
      }
    }
    double top = niceCeiling(max);
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < series.size() && i < MAX_SERIES; i++) {
      Series s = series.get(i);
      lines.add(new Line(s.name(), i, points(s.values(), top), s.totalText()));
    }
    List<Tick> yTicks = new ArrayList<>();
    for (int i = 0; i <= 2; i++) {
      double value = top * i / 2;
      yTicks.add(new Tick(y(value, top), valueText.apply(value)));
    }
    return new LineChart(id, title, lines, yTicks, xTicks(buckets, axisPattern));
  }

  /** The view box's plot area, for the template's axes. */
  public int plotRight() {
    return WIDTH - RIGHT;
  }

  public int plotBottom() {
    return HEIGHT - BOTTOM;
  }

  public String viewBox() {
    return "0 0 " + WIDTH + " " + HEIGHT;
  }

  static double niceCeiling(double max) {
    if (max <= 0) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= max) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String points(double[] values, double top) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      out.append(i == 0 ? "" : " ").append(fmt(x(i, values.length))).append(',').append(fmt(y(values[i], top)));
    }
    return out.toString();
  }

  static double x(int i, int n) {
    double width = WIDTH - LEFT - RIGHT;
    return n < 2 ? LEFT + width / 2 : LEFT + width * i / (n - 1);
  }

  static double y(double value, double top) {
    double height = HEIGHT - TOP - BOTTOM;
    return TOP + height * (1 - Math.min(value, top) / top);
  }

  private static List<Tick> xTicks(List<Instant> buckets, String pattern) {
    DateTimeFormatter f = DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(ZoneOffset.UTC);
    int n = buckets.size();
    int every = Math.max(1, (int) Math.ceil(n / 6.0));
    List<Tick> ticks = new ArrayList<>();
    for (int i = 0; i < n; i += every) {
      ticks.add(new Tick(Math.round(x(i, n) * 10) / 10.0, f.format(buckets.get(i))));
    }
    return ticks;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
