package io.mmaas.agent.modelhost;

import io.vertx.core.json.JsonObject;

/**
 * The local protocol between the agent and one model host: JSON objects, one per line, on the host's standard input
 * (commands, from the agent) and standard output (events, from the host). The host logs to standard error. The host
 * exits when its standard input closes, so a host never outlives its agent.
 *
 * <p>Commands (field {@code op}):
 * <ul>
 *   <li>{@code start}: the first line, always; {@code settings} as {@link HostSettings#toJson()}. The host answers
 *       {@code listening} with the port it serves on, or exits non-zero.</li>
 *   <li>{@code load}: {@code replicaId, modelName, version, file, tag, options {intraOpThreads, interOpThreads,
 *       maxBatchSize, maxQueueDelayMicros}, syntheticWarmUp (boolean), warmUp (array of OIP request bodies, may be
 *       empty)}. Answered by {@code loaded} or {@code failed} with the same replica id.</li>
 *   <li>{@code unload}: {@code replicaId}. Answered by {@code unloaded}.</li>
 *   <li>{@code keys}: {@code keys} (the serving keys to accept from now on, the current one first), {@code seq} (a
 *       number the agent chooses). Replaces the accepted keys at once, for the next request; loaded replicas and
 *       requests in flight are untouched. Answered by {@code keysApplied} with the same seq.</li>
 * </ul>
 * <p>Events (field {@code event}): {@code listening {port, executionProvider, providers, pid}}, {@code loaded
 * {replicaId, memoryBytes, warmUp}} (warmUp says what warm-up did, e.g. "2 samples" or "skipped: …"), {@code failed
 * {replicaId, reason}}, {@code unloaded {replicaId}}, {@code keysApplied {seq}}. Any other line on standard output (a native library that
 * prints) is logged by the agent and otherwise ignored.
 *
 * <p>The {@code tag} of a load is a small number the agent chooses per replica; the host writes it into its
 * {@link FlightRecorder} slot while that replica runs, so after a crash the agent can say which replica (and which
 * phase: loading or inference) was on the CPU.
 */
public final class HostProtocol {
  public static final String OP = "op";
  public static final String EVENT = "event";
  public static final String START = "start";
  public static final String LOAD = "load";
  public static final String UNLOAD = "unload";
  public static final String LISTENING = "listening";
  public static final String LOADED = "loaded";
  public static final String FAILED = "failed";
  public static final String UNLOADED = "unloaded";
  public static final String KEYS = "keys";
  public static final String KEYS_APPLIED = "keysApplied";
  /** The argument that makes {@link ModelHostMain} print the node's execution providers and exit. */
  public static final String PROBE = "probe";
  public static final String PROBED = "probed";

  private HostProtocol() {}

  /** The serving keys of a {@code keys} command or the start settings: non-empty strings, at least one. */
  public static java.util.List<String> keys(io.vertx.core.json.JsonArray array) {
    if (array == null || array.isEmpty() || array.size() > 8) {
      throw new IllegalArgumentException("serving keys: 1 to 8 are expected");
    }
    java.util.List<String> keys = new java.util.ArrayList<>();
    for (Object key : array) {
      if (!(key instanceof String text) || text.isBlank()) {
        throw new IllegalArgumentException("serving keys must be non-empty strings");
      }
      keys.add(text);
    }
    return keys;
  }

  /** One line: the object's JSON and a newline. */
  public static String line(JsonObject message) {
    return message.encode() + "\n";
  }

  /** The message on a line, or null when the line is not a protocol message (stray output). */
  public static JsonObject parse(String line) {
    String text = line.trim();
    if (!text.startsWith("{")) {
      return null;
    }
    try {
      JsonObject message = new JsonObject(text);
      return message.getValue(OP) instanceof String || message.getValue(EVENT) instanceof String ? message : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
