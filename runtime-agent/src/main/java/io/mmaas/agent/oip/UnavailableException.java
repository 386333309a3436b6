package io.mmaas.agent.oip;

/** The replica exists but cannot serve now: not ready yet, being unloaded, or the agent is saturated (HTTP 503). */
public class UnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message);
  }
}
