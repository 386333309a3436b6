package io.mmaas.agent.batching;

/** Told how long requests queued and how large the runs were, e.g. to publish metrics. Called from runner threads. */
public interface BatchObserver {
  BatchObserver NONE = new BatchObserver() {
    @Override
    public void queued(long nanos) {}

    @Override
    public void batched(int requests) {}
  };

  /** A request waited {@code nanos} between admission and the start of its run. */
  void queued(long nanos);

  /** A run served {@code requests} requests at once. */
  void batched(int requests);
}
