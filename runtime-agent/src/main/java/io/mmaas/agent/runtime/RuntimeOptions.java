package io.mmaas.agent.runtime;

/**
 * Per-replica settings from the desired state's {@code runtime} object. Thread settings shape the session; batching
 * settings shape how the serving layer feeds it.
 *
 * @param intraOpThreads threads one operator may use; 0 lets ONNX Runtime choose
 * @param interOpThreads threads for running independent operators in parallel (above 1 switches the session to the
 *     parallel execution mode); 0 lets ONNX Runtime choose
 * @param maxBatchSize the most requests dynamic batching concatenates into one run; 1 turns batching off (default)
 * @param maxQueueDelayMicros how long the first request of a batch waits for others to join it
 */
public record RuntimeOptions(int intraOpThreads, int interOpThreads, int maxBatchSize, long maxQueueDelayMicros) {
  /** The most threads a replica may ask for; more is a mistake in the desired state, not a wish to honour. */
  public static final int MAX_THREADS = 256;

  /** The largest batch: past it, one run's latency outweighs any gain in throughput. */
  public static final int MAX_BATCH_SIZE = 1024;

  /** One second: a longer queue delay is a misconfiguration, not a latency budget. */
  public static final long MAX_QUEUE_DELAY_MICROS = 1_000_000;

  /** The queue delay used when batching is turned on without one. */
  public static final long DEFAULT_QUEUE_DELAY_MICROS = 500;

  public static final RuntimeOptions DEFAULT = new RuntimeOptions(1, 1);

  public RuntimeOptions {
    if (intraOpThreads < 0 || intraOpThreads > MAX_THREADS) {
      throw new IllegalArgumentException("intraOpThreads must be 0.." + MAX_THREADS + ", got " + intraOpThreads);
    }
    if (interOpThreads < 0 || interOpThreads > MAX_THREADS) {
      throw new IllegalArgumentException("interOpThreads must be 0.." + MAX_THREADS + ", got " + interOpThreads);
    }
    if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException("maxBatchSize must be 1.." + MAX_BATCH_SIZE + ", got " + maxBatchSize);
    }
    if (maxQueueDelayMicros < 0 || maxQueueDelayMicros > MAX_QUEUE_DELAY_MICROS) {
      throw new IllegalArgumentException(
          "maxQueueDelayMicros must be 0.." + MAX_QUEUE_DELAY_MICROS + ", got " + maxQueueDelayMicros);
    }
  }

  /** Thread settings only; batching off. */
  public RuntimeOptions(int intraOpThreads, int interOpThreads) {
    this(intraOpThreads, interOpThreads, 1, 0);
  }

  /** True when requests may be concatenated into one run. */
  public boolean batching() {
    return maxBatchSize > 1;
  }
}
