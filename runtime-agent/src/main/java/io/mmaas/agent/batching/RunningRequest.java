package io.mmaas.agent.batching;

/**
 * The request id of the run this thread is about to make (set by the {@link InferenceQueue} just before it calls the
 * runtime), so the runtime's wrapper in a model host can record it next to the replica: after a crash in native code
 * the agent can then name the request that was running, not only the model.
 */
public final class RunningRequest {
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private RunningRequest() {}

  static void set(String requestId) {
    CURRENT.set(requestId);
  }

  /** The id set for this thread's current run; null when there is none. */
  public static String get() {
    return CURRENT.get();
  }
}
