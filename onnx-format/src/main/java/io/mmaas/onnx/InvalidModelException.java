package io.mmaas.onnx;

/**
 * Thrown when bytes are not a usable ONNX model. The message is written for the person who uploaded the model:
 * it says what is wrong and, where it helps, what the platform accepts.
 */
public class InvalidModelException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidModelException(String message) {
    super(message);
  }
}
