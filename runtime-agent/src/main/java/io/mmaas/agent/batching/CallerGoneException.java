package io.mmaas.agent.batching;

/** The caller closed its connection while its request waited: the request is dropped before any work is done. */
public class CallerGoneException extends Exception {
  private static final long serialVersionUID = 1L;

  public CallerGoneException() {
    super("the caller closed the connection before its request ran");
  }
}
