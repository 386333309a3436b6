package io.mmaas.agent.batching;

/** A batcher's queue is full: the caller should shed the request (503) rather than wait. */
public class QueueFullException extends Exception {
  private static final long serialVersionUID = 1L;

  public QueueFullException(String message) {
    super(message);
  }
}
