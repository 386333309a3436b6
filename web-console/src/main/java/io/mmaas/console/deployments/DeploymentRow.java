package io.mmaas.console.deployments;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A deployment: desired and ready replicas, its state, and each replica's state with the reason it is not running.
 *
 * @param executionProvider the requested provider (auto, cpu, cuda), or null
 */
public record DeploymentRow(String id, String model, long version, long replicas, long readyReplicas, String state,
    String executionProvider, List<ReplicaRow> replicaStatus, String createdText, String href) {

  /** One replica: the agent it is placed on (none yet while unplaced), its state and the reason. */
  public record ReplicaRow(String id, String agent, String state, String reason, String memoryText) {
    static ReplicaRow of(JsonObject r) {
      Long memory = Json.numberOrNull(r, "memoryBytes");
      return new ReplicaRow(Json.text(r, "id"), Json.text(Json.object(r, "agent"), "name"), Json.text(r, "state"),
          Json.text(r, "reason"), memory == null ? "" : Format.bytes(memory));
    }
  }

  public static DeploymentRow of(JsonObject d, String base) {
    String id = Json.text(d, "id");
    return new DeploymentRow(id, Json.text(d, "model"), Json.number(d, "version", 0), Json.number(d, "replicas", 0),
        Json.number(d, "readyReplicas", 0), Json.text(d, "state"),
        Json.text(Json.object(d, "runtime"), "executionProvider"),
        Json.objects(d, "replicaStatus").stream().map(ReplicaRow::of).toList(),
        Format.time(Json.text(d, "createdAt")), base + "/" + id);
  }

  /** The first reason a replica gives for not being ready, for the list's one line. */
  public String firstReason() {
    return replicaStatus.stream().filter(r -> !"READY".equals(r.state()) && r.reason() != null)
        .map(ReplicaRow::reason).findFirst().orElse(null);
  }
}
