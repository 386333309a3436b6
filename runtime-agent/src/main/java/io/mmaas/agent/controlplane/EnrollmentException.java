package io.mmaas.agent.controlplane;

/** Enrollment cannot succeed without an operator's help (bad token, missing token, unwritable data dir). */
public class EnrollmentException extends Exception {
  private static final long serialVersionUID = 1L;

  public EnrollmentException(String message) {
    super(message);
  }

  public EnrollmentException(String message, Throwable cause) {
    super(message, cause);
  }
}
