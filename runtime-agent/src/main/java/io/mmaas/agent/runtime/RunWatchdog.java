package io.mmaas.agent.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.RunOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long one ONNX Runtime run may take. Every thread that runs sessions has its own {@link RunOptions}; a
 * daemon thread looks at the runs in progress a few times per limit and sets the terminate flag of any run older than
 * the limit, and ONNX Runtime stops that run before its next node (a single huge operator still finishes first).
 * The run then fails with {@link InferenceTimeoutException} and its thread is free for the next request, so one
 * pathological input (say, a sequence a thousand times longer than usual on a model with dynamic shapes) cannot hold
 * an inference thread for as long as it likes.
 *
 * <p>The cost on a run is a thread-local lookup and two uncontended monitor enters; the flag is cleared only after a
 * run that was stopped.
 */
final class RunWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunWatchdog.class);

  private final long limitNanos;
  private final long limitMillis;
  private final Set<Slot> slots = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Slot> local = ThreadLocal.withInitial(this::newSlot);
  private final ScheduledExecutorService timer;

  RunWatchdog(long limitMillis) {
    if (limitMillis < 1) {
      throw new IllegalArgumentException("the run time limit must be positive: " + limitMillis);
    }
    this.limitMillis = limitMillis;
    this.limitNanos = TimeUnit.MILLISECONDS.toNanos(limitMillis);
    this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "mmaas-run-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    long period = Math.max(5, Math.min(250, limitMillis / 4));
    timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  long limitMillis() {
    return limitMillis;
  }

  /** This thread's slot, marked as running from now; {@link Slot#end} should follow. */
  Slot begin() throws OrtException {
    Slot slot = local.get();
    slot.begin();
    return slot;
  }

  private Slot newSlot() {
    try {
      Slot slot = new Slot(new RunOptions(), Thread.currentThread());
      slots.add(slot);
      return slot;
    } catch (OrtException e) {
      throw new IllegalStateException("cannot create ONNX Runtime run options", e);
    }
  }

  private void check() {
    long now = System.nanoTime();
    for (Slot slot : slots) {
      if (!slot.owner.isAlive()) { // a thread that ran sessions and ended (a pool shrinking, a test's thread)
        slots.remove(slot);
        slot.options.close();
        continue;
      }
      try {
        slot.stopIfOver(now, limitNanos);
      } catch (OrtException | RuntimeException e) {
        log.warn("could not stop a run that went over {} ms: {}", limitMillis, e.toString());
      }
    }
  }

  /** Threads with run options now (for tests). */
  int threads() {
    return slots.size();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** One thread's run options and the state of its run. */
  static final class Slot {
    private final RunOptions options;
    private final Thread owner;
    private long started; // guarded by this
    private boolean running; // guarded by this
    private boolean stopped; // guarded by this

    private Slot(RunOptions options, Thread owner) {
      this.options = options;
      this.owner = owner;
    }

    RunOptions options() {
      return options;
    }

    /**
     * Starts a run. A previous run on this thread that ended without {@link #end} (an unexpected exception) may have
     * been marked stopped since: that stop is cleared here, so it cannot fall on this run.
     */
    private synchronized void begin() throws OrtException {
      if (stopped) {
        stopped = false;
        options.setTerminate(false);
      }
      started = System.nanoTime();
      running = true;
    }

    /** Ends the run; true when the watchdog stopped it (the flag is then cleared for the next run). */
    synchronized boolean end() throws OrtException {
      running = false;
      if (!stopped) {
        return false;
      }
      stopped = false;
      options.setTerminate(false);
      return true;
    }

    private synchronized void stopIfOver(long now, long limit) throws OrtException {
      if (running && !stopped && now - started > limit) {
        stopped = true;
        options.setTerminate(true);
      }
    }
  }
}
