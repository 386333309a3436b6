package io.mmaas.agent.oip;

/** No replica by that id on this agent (HTTP 404). */
public class ModelNotFoundException extends Exception {
  private static final long serialVersionUID = 1L;

  public ModelNotFoundException(String model) {
    super("model " + model + " not found");
  }
}
