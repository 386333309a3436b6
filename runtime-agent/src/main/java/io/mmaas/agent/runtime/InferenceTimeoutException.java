package io.mmaas.agent.runtime;

/** A run went over the agent's time limit and was stopped (see {@link RunWatchdog}). */
public final class InferenceTimeoutException extends InferenceException {
  private static final long serialVersionUID = 1L;

  public InferenceTimeoutException(long limitMillis, Throwable cause) {
    super("inference ran longer than this agent's limit of " + limitMillis + " ms and was stopped", cause);
  }
}
