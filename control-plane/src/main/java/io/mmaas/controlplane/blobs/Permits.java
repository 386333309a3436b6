package io.mmaas.controlplane.blobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * At most {@code max} holders at a time; the others wait in arrival order, holding nothing, and go on as permits come
 * back. Thread-safe (callers on any event loop); a waiter's future completes on whichever thread released the permit.
 */
final class Permits {
  private final int max;
  private final Queue<Promise<Runnable>> waiting = new ArrayDeque<>();
  private int held;

  Permits(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, got " + max);
    }
    this.max = max;
  }

  /** A permit: the future's value gives it back (once; later calls do nothing). */
  Future<Runnable> acquire() {
    Promise<Runnable> p = Promise.promise();
    boolean now;
    synchronized (this) {
      now = held < max;
      if (now) {
        held++;
      } else {
        waiting.add(p);
      }
    }
    if (now) {
      p.complete(release());
    }
    return p.future();
  }

  /** Permits given out and not yet back. */
  synchronized int held() {
    return held;
  }

  /** Waiters without a permit yet. */
  synchronized int waiting() {
    return waiting.size();
  }

  private Runnable release() {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      Promise<Runnable> next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          held--;
        }
      }
      if (next != null) {
        next.complete(release()); // the permit passes straight to the next waiter
      }
    };
  }
}
