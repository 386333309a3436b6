package io.mmaas.controlplane.auth;

/** The actor behind a request plus where it came from; services take this instead of an HTTP context. */
public record Caller(Actor actor, String requestId, String sourceIp, String userAgent) {
  public static Caller system(String requestId) {
    return new Caller(Actor.SYSTEM, requestId, null, null);
  }

  public Caller as(Actor other) {
    return new Caller(other, requestId, sourceIp, userAgent);
  }
}
