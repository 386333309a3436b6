package io.mmaas.controlplane.leader;

/**
 * A leader-only write refused because the process no longer holds the lease it started with: a newer leader took it
 * (the database's epoch moved on), or its own lease lapsed before a renewal came through. The write's transaction is
 * rolled back; the process stops acting as leader at once.
 */
public final class FencedException extends RuntimeException {
  private final String lease;
  private final long epoch;

  public FencedException(String lease, long epoch, String why) {
    super("leader lease '" + lease + "' epoch " + epoch + ": " + why, null, false, false);
    this.lease = lease;
    this.epoch = epoch;
  }

  /** The lease's name, e.g. {@code scheduler}. */
  public String lease() {
    return lease;
  }

  /** The epoch the refused write carried. */
  public long epoch() {
    return epoch;
  }
}
