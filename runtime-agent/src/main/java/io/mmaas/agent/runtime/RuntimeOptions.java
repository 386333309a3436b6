package io.mmaas.agent.runtime;

/**
 * Per-replica session settings from the desired state.
 *
 * @param intraOpThreads threads one operator may use; 0 lets ONNX Runtime choose
 * @param interOpThreads threads for running independent operators in parallel; 0 lets ONNX Runtime choose
 */
public record RuntimeOptions(int intraOpThreads, int interOpThreads) {
  /** The most threads a replica may ask for; more is a mistake in the desired state, not a wish to honour. */
  public static final int MAX_THREADS = 256;

  public static final RuntimeOptions DEFAULT = new RuntimeOptions(1, 1);

  public RuntimeOptions {
    if (intraOpThreads < 0 || intraOpThreads > MAX_THREADS) {
      throw new IllegalArgumentException("intraOpThreads must be 0.." + MAX_THREADS + ", got " + intraOpThreads);
    }
    if (interOpThreads < 0 || interOpThreads > MAX_THREADS) {
      throw new IllegalArgumentException("interOpThreads must be 0.." + MAX_THREADS + ", got " + interOpThreads);
    }
  }
}
