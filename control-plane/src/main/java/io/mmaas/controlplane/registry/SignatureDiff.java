package io.mmaas.controlplane.registry;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How two versions' input/output signatures differ, and whether clients of the old one keep working with the new
 * one. Compatible: same inputs (a fixed dimension may become dynamic), same or more outputs with unchanged types and
 * shapes. Incompatible: an input added, removed or changed; an output removed or changed.
 */
public final class SignatureDiff {
  private SignatureDiff() {
  }

  public static JsonObject between(ModelVersion from, ModelVersion to) {
    JsonObject inputs = compare(from.inputs(), to.inputs(), true);
    JsonObject outputs = compare(from.outputs(), to.outputs(), false);
    boolean compatible = inputs.getBoolean("compatible") && outputs.getBoolean("compatible");
    inputs.remove("compatible");
    outputs.remove("compatible");
    return new JsonObject().put("from", from.version()).put("to", to.version()).put("compatible", compatible)
        .put("inputs", inputs).put("outputs", outputs);
  }

  private static JsonObject compare(JsonArray before, JsonArray after, boolean isInput) {
    Map<String, JsonObject> a = byName(before);
    Map<String, JsonObject> b = byName(after);
    JsonArray added = new JsonArray();
    JsonArray removed = new JsonArray();
    JsonArray changed = new JsonArray();
    boolean compatible = true;
    for (var e : b.entrySet()) {
      if (!a.containsKey(e.getKey())) {
        added.add(e.getValue());
        compatible &= !isInput;
      }
    }
    for (var e : a.entrySet()) {
      JsonObject old = e.getValue();
      JsonObject now = b.get(e.getKey());
      if (now == null) {
        removed.add(old);
        compatible = false;
        continue;
      }
      String problem = problem(old, now);
      if (problem != null) {
        changed.add(new JsonObject().put("name", e.getKey()).put("before", old).put("after", now)
            .put("breaking", !problem.isEmpty()).put("why", problem.isEmpty() ? "shape relaxed" : problem));
        compatible &= problem.isEmpty();
      }
    }
    return new JsonObject().put("added", added).put("removed", removed).put("changed", changed)
        .put("compatible", compatible);
  }

  /** null when identical; "" when changed compatibly; otherwise what breaks. */
  private static String problem(JsonObject old, JsonObject now) {
    if (!old.getString("datatype").equals(now.getString("datatype"))) {
      return "datatype " + old.getString("datatype") + " -> " + now.getString("datatype");
    }
    JsonArray s1 = old.getJsonArray("shape");
    JsonArray s2 = now.getJsonArray("shape");
    if (s1.size() != s2.size()) {
      return "rank " + s1.size() + " -> " + s2.size();
    }
    boolean relaxed = false;
    for (int i = 0; i < s1.size(); i++) {
      long d1 = ((Number) s1.getValue(i)).longValue();
      long d2 = ((Number) s2.getValue(i)).longValue();
      if (d1 == d2) {
        continue;
      }
      if (d2 == -1) {
        relaxed = true;
        continue;
      }
      return "shape " + s1.encode() + " -> " + s2.encode();
    }
    return relaxed ? "" : null;
  }

  private static Map<String, JsonObject> byName(JsonArray tensors) {
    Map<String, JsonObject> m = new LinkedHashMap<>();
    tensors.forEach(t -> m.put(((JsonObject) t).getString("name"), (JsonObject) t));
    return m;
  }
}
