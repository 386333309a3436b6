package io.mmaas.console.api;

import java.time.Instant;

/** A successful sign-in: the user's bearer token (never logged), when it expires, and who signed in. */
public record SignIn(String token, Instant expiresAt, ApiUser user) {
  @Override
  public String toString() {
    return "SignIn{token=****, expiresAt=" + expiresAt + ", user=" + user + "}";
  }
}
