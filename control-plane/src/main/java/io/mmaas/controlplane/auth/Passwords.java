package io.mmaas.controlplane.auth;

import io.mmaas.controlplane.errors.InvalidInputException;

/** The password rules (NIST 800-63B style: length matters, composition rules do not). */
final class Passwords {
  static final int MIN = 12;
  static final int MAX = 1024;

  private Passwords() {
  }

  static void check(String username, String password) {
    if (password == null || password.length() < MIN || password.length() > MAX) {
      throw new InvalidInputException("a password must have " + MIN + " to " + MAX + " characters");
    }
    if (password.equalsIgnoreCase(username)) {
      throw new InvalidInputException("a password must not be the username");
    }
  }
}
