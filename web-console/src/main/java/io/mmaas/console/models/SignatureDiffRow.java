package io.mmaas.console.models;

import io.mmaas.console.api.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How one version's signature differs from another's, as the API judges it: every input and output that was added,
 * removed or changed, each marked breaking or not, and whether clients of {@code from} keep working with {@code to}.
 */
public record SignatureDiffRow(long from, long to, boolean compatible, List<Change> changes) {

  /** One tensor's difference. {@code kind} is added, removed or changed; {@code side} is input or output. */
  public record Change(String side, String kind, String name, String before, String after, boolean breaking,
      String why) {}

  static SignatureDiffRow of(JsonObject diff) {
    List<Change> changes = new ArrayList<>();
    read(changes, "input", Json.object(diff, "inputs"), true);
    read(changes, "output", Json.object(diff, "outputs"), false);
    return new SignatureDiffRow(Json.number(diff, "from", 0), Json.number(diff, "to", 0),
        Json.flag(diff, "compatible"), changes);
  }

  private static void read(List<Change> into, String side, JsonObject part, boolean isInput) {
    for (JsonObject t : Json.objects(part, "added")) {
      // a new input breaks callers that do not send it; a new output breaks nobody
      into.add(new Change(side, "added", Json.text(t, "name"), "", TensorRow.of(t).typeAndShape(), isInput,
          isInput ? "callers do not send it" : "new output"));
    }
    for (JsonObject t : Json.objects(part, "removed")) {
      into.add(new Change(side, "removed", Json.text(t, "name"), TensorRow.of(t).typeAndShape(), "", true,
          "callers " + (isInput ? "send" : "read") + " it"));
    }
    for (JsonObject c : Json.objects(part, "changed")) {
      into.add(new Change(side, "changed", Json.text(c, "name"),
          TensorRow.of(Json.object(c, "before")).typeAndShape(), TensorRow.of(Json.object(c, "after")).typeAndShape(),
          Json.flag(c, "breaking"), Json.text(c, "why")));
    }
  }

  public boolean identical() {
    return changes.isEmpty();
  }
}
