package io.mmaas.console.deployments;

import io.mmaas.console.api.Json;
import io.mmaas.console.pages.Format;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A deployment: its targets (the versions it serves, each with a traffic weight and ready/desired replicas), the
 * replicas and why any is not running, and whether the last change can be rolled back.
 *
 * @param version the version with the most traffic
 * @param executionProvider the requested provider (auto, cpu, cuda), or null
 * @param reasons the API's reasons, one per version and problem ("v2: out of memory")
 * @param quarantinedReplicas replicas that crashed their model host too often and wait for a new version or a retry
 */
public record DeploymentRow(String id, String model, long version, long replicas, long readyReplicas, String state,
    String executionProvider, List<TargetRow> targets, List<ReplicaRow> replicaStatus, List<String> reasons,
    boolean canRollback, String createdText, String href, long quarantinedReplicas) {

  /** One version the deployment serves: its share of traffic and its replicas, ready of desired. */
  public record TargetRow(long version, long weight, long replicas, long readyReplicas) {
    static TargetRow of(JsonObject t) {
      return new TargetRow(Json.number(t, "version", 0), Json.number(t, "weight", 0), Json.number(t, "replicas", 0),
          Json.number(t, "readyReplicas", 0));
    }

    /** Whether all its desired replicas are ready. */
    public boolean ready() {
      return readyReplicas >= replicas;
    }
  }

  /** One replica: the agent it is placed on (none yet while unplaced), its state and the reason. */
  public record ReplicaRow(String id, Long version, String agent, String state, String reason, String memoryText) {
    static ReplicaRow of(JsonObject r) {
      Long memory = Json.numberOrNull(r, "memoryBytes");
      return new ReplicaRow(Json.text(r, "id"), Json.numberOrNull(r, "version"),
          Json.text(Json.object(r, "agent"), "name"), Json.text(r, "state"), Json.text(r, "reason"),
          memory == null ? "" : Format.bytes(memory));
    }
  }

  public static DeploymentRow of(JsonObject d, String base) {
    String id = Json.text(d, "id");
    List<TargetRow> targets = Json.objects(d, "targets").stream().map(TargetRow::of).toList();
    long version = Json.number(d, "version", 0);
    if (targets.isEmpty()) {
      // an API without targets: the one version serves everything
      targets = List.of(new TargetRow(version, 100, Json.number(d, "replicas", 0), Json.number(d, "readyReplicas", 0)));
    }
    List<String> reasons = Json.texts(d, "reasons");
    return new DeploymentRow(id, Json.text(d, "model"), version, Json.number(d, "replicas", 0),
        Json.number(d, "readyReplicas", 0), Json.text(d, "state"),
        Json.text(Json.object(d, "runtime"), "executionProvider"), targets,
        Json.objects(d, "replicaStatus").stream().map(ReplicaRow::of).toList(),
        reasons == null ? List.of() : reasons, Json.flag(d, "canRollback"),
        Format.time(Json.text(d, "createdAt")), base + "/" + id, Json.number(d, "quarantinedReplicas", 0));
  }

  /** The first reason the deployment is not running as asked, for the list's one line. */
  public String firstReason() {
    if (!reasons.isEmpty()) {
      return reasons.get(0);
    }
    return replicaStatus.stream().filter(r -> !"READY".equals(r.state()) && r.reason() != null)
        .map(ReplicaRow::reason).findFirst().orElse(null);
  }

  /** The replica count a scale form starts from: the largest among targets with traffic. */
  public long servingReplicas() {
    return targets.stream().filter(t -> t.weight() > 0).mapToLong(TargetRow::replicas).max().orElse(replicas);
  }

  /** "v1 90% · v2 10%" for the list, or "v1" when one version takes everything. */
  public String trafficText() {
    List<TargetRow> weighted = targets.stream().filter(t -> t.weight() > 0).toList();
    if (weighted.size() == 1 && weighted.get(0).weight() == 100) {
      return "v" + weighted.get(0).version();
    }
    return String.join(" · ", weighted.stream().map(t -> "v" + t.version() + " " + t.weight() + "%").toList());
  }
}
