package io.mmaas.console.session;

/** A form arrived without the CSRF token it needed, or with a wrong one; nothing was done. */
public final class CsrfRejectedException extends RuntimeException {
  public CsrfRejectedException(String message) {
    super(message, null, false, false);
  }
}
