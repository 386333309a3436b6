package io.mmaas.agent.oip;

import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers produced by one inference pass, handed to each event loop as one task instead of one task per request.
 *
 * <p>A runner thread opens the outbox around a pass ({@link #collect}); while it is open, {@link #post} holds the
 * completions, grouped by context, and they are dispatched when the pass ends. A batch of 32 answers for requests
 * spread over two event loops then costs two event-loop tasks (and at most two wake-ups), not 32. Outside a pass (a
 * request refused on the event loop itself) {@link #post} dispatches at once.
 */
final class Outbox {
  private static final Logger log = LoggerFactory.getLogger(Outbox.class);
  private static final ThreadLocal<Outbox> OPEN = new ThreadLocal<>();

  /** Contexts seen in this pass and their completions; there are as many contexts as event loops, so a list does. */
  private final List<ContextInternal> contexts = new ArrayList<>(4);
  private final List<List<Runnable>> completions = new ArrayList<>(4);

  private Outbox() {}

  /** Runs {@code pass} with an open outbox on this thread, then dispatches what it collected. */
  static void collect(Runnable pass) {
    Outbox box = new Outbox();
    OPEN.set(box);
    try {
      pass.run();
    } finally {
      OPEN.remove();
      box.dispatch();
    }
  }

  /** Runs {@code completion} on {@code context}: at the end of the current pass, or now when none is open. */
  static void post(ContextInternal context, Runnable completion) {
    Outbox box = OPEN.get();
    if (context == null) {
      completion.run();
    } else if (box == null) {
      context.runOnContext(v -> completion.run());
    } else {
      box.add(context, completion);
    }
  }

  private void add(ContextInternal context, Runnable completion) {
    for (int i = 0; i < contexts.size(); i++) {
      if (contexts.get(i) == context) {
        completions.get(i).add(completion);
        return;
      }
    }
    contexts.add(context);
    List<Runnable> list = new ArrayList<>();
    list.add(completion);
    completions.add(list);
  }

  private void dispatch() {
    for (int i = 0; i < contexts.size(); i++) {
      List<Runnable> list = completions.get(i);
      contexts.get(i).runOnContext(v -> list.forEach(Outbox::runQuietly));
    }
  }

  /** One failing completion must not keep the others in its group from running. */
  private static void runQuietly(Runnable completion) {
    try {
      completion.run();
    } catch (RuntimeException e) {
      log.error("an inference completion failed", e);
    }
  }
}
