package io.mmaas.agent.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the Prometheus text of several model hosts into one exposition for the agent's {@code /metrics}: every
 * sample gains a {@code host} label, and each metric family keeps one HELP and TYPE line with all hosts' samples
 * after them (the format wants a family's lines together). The agent's port is the node's one scrape target.
 */
public final class PrometheusMerge {
  private final Map<String, Family> families = new LinkedHashMap<>();

  private static final class Family {
    String help;
    String type;
    final List<String> samples = new ArrayList<>();
  }

  /** Adds one host's exposition text. */
  public PrometheusMerge add(String host, String text) {
    String label = "host=\"" + ModelMetrics.escape(host) + "\"";
    String current = null;
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3) {
          continue;
        }
        current = parts[2];
        Family family = families.computeIfAbsent(current, k -> new Family());
        if (line.startsWith("# HELP ") && family.help == null) {
          family.help = line;
        } else if (line.startsWith("# TYPE ") && family.type == null) {
          family.type = line;
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      String family = current != null && line.startsWith(current) ? current : name(line);
      families.computeIfAbsent(family, k -> new Family()).samples.add(labelled(line, label));
    }
    return this;
  }

  /** The merged text. */
  public String text() {
    StringBuilder out = new StringBuilder();
    families.values().forEach(f -> {
      if (f.help != null) {
        out.append(f.help).append('\n');
      }
      if (f.type != null) {
        out.append(f.type).append('\n');
      }
      f.samples.forEach(s -> out.append(s).append('\n'));
    });
    return out.toString();
  }

  private static String name(String sample) {
    int end = 0;
    while (end < sample.length() && sample.charAt(end) != '{' && sample.charAt(end) != ' ') {
      end++;
    }
    return sample.substring(0, end);
  }

  private static String labelled(String sample, String label) {
    int brace = sample.indexOf('{');
    int space = sample.indexOf(' ');
    if (brace >= 0 && (space < 0 || brace < space)) {
      boolean empty = sample.charAt(brace + 1) == '}';
      return sample.substring(0, brace + 1) + label + (empty ? "" : ",") + sample.substring(brace + 1);
    }
    return space < 0 ? sample : sample.substring(0, space) + "{" + label + "}" + sample.substring(space);
  }
}
