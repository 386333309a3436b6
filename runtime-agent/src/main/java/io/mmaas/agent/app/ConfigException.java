package io.mmaas.agent.app;

/** The environment does not describe a valid agent configuration; the message lists every problem. */
public class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
