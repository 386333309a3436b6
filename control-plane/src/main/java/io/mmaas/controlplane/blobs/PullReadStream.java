package io.mmaas.controlplane.blobs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.Supplier;

/**
 * A {@link ReadStream} over a source that is asked for one buffer at a time (a database row, a read on a worker
 * thread); the next is asked for only while the consumer wants more, so a slow consumer holds one buffer, not the
 * blob. The supplier yields null at the end. Runs on the context it was created on.
 */
final class PullReadStream implements ReadStream<Buffer> {
  private final Context context;
  private final Supplier<Future<Buffer>> next;
  private final Runnable onDone;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean reading;
  private boolean done;

  /** {@code onDone} runs once, after the end or a failure. */
  PullReadStream(Context context, Supplier<Future<Buffer>> next, Runnable onDone) {
    this.context = context;
    this.next = next;
    this.onDone = onDone;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    if (handler != null) {
      context.runOnContext(v -> pump());
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    context.runOnContext(v -> pump());
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  private void pump() {
    // a loop, not recursion, for sources that answer at once (a buffer already in memory)
    while (!reading && !done && demand > 0 && handler != null) {
      reading = true;
      Future<Buffer> f;
      try {
        f = next.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      if (f.isComplete()) {
        reading = false;
        if (!deliver(f)) {
          return;
        }
      } else {
        f.onComplete(ar -> {
          reading = false;
          if (deliver(ar)) {
            pump();
          }
        });
        return;
      }
    }
  }

  /** Hands one result on; true when it was a buffer (so the next may be asked for). */
  private boolean deliver(io.vertx.core.AsyncResult<Buffer> ar) {
    if (ar.failed()) {
      finish();
      if (exceptionHandler != null) {
        exceptionHandler.handle(ar.cause());
      }
      return false;
    }
    if (ar.result() == null) {
      finish();
      if (endHandler != null) {
        endHandler.handle(null);
      }
      return false;
    }
    if (demand != Long.MAX_VALUE) {
      demand--;
    }
    Handler<Buffer> h = handler;
    if (h != null) {
      h.handle(ar.result());
    }
    return true;
  }

  private void finish() {
    if (!done) {
      done = true;
      onDone.run();
    }
  }
}
