package io.mmaas.controlplane.blobs;

/** A put's content does not hash to the name it was to be stored under; nothing was stored. */
public final class DigestMismatchException extends RuntimeException {
  public DigestMismatchException(String expected, String actual) {
    super("content hashes to " + actual + ", not " + expected);
  }
}
