package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Outbox: answers of one inference pass reach each event loop together")
class OutboxTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** A new event-loop context each time (getOrCreateContext may hand this thread the same one twice). */
  private ContextInternal eventLoop() {
    return ((VertxInternal) vertx).createEventLoopContext();
  }

  @Test
  @DisplayName("inside a pass completions wait for its end, then run in order on their own context")
  void groupedPerContext() throws Exception {
    ContextInternal a = eventLoop();
    ContextInternal b = eventLoop();
    assertThat(b).isNotSameAs(a);
    List<String> ran = new CopyOnWriteArrayList<>();
    List<Context> where = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(5);
    AtomicBoolean passOver = new AtomicBoolean();
    Runnable seenOnA = () -> where.add(Vertx.currentContext());
    Outbox.collect(() -> {
      for (String name : List.of("a1", "b1", "a2", "b2", "a3")) {
        ContextInternal target = name.startsWith("a") ? a : b;
        Outbox.post(target, () -> {
          assertThat(passOver).as("%s ran before the pass ended", name).isTrue();
          assertThat(Vertx.currentContext()).isSameAs(target);
          ran.add(name);
          done.countDown();
        });
      }
      Outbox.post(a, seenOnA);
      sleep(50); // a completion dispatched early would have run by now
      assertThat(ran).isEmpty();
      passOver.set(true);
    });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran.stream().filter(n -> n.startsWith("a")).toList()).containsExactly("a1", "a2", "a3");
    assertThat(ran.stream().filter(n -> n.startsWith("b")).toList()).containsExactly("b1", "b2");
    until(() -> where.size() == 1);
    assertThat(where).containsExactly(a);
  }

  @Test
  @DisplayName("outside a pass a completion is dispatched at once")
  void outsideAPass() throws Exception {
    ContextInternal a = eventLoop();
    CountDownLatch done = new CountDownLatch(1);
    Outbox.post(a, () -> {
      assertThat(Vertx.currentContext()).isSameAs(a);
      done.countDown();
    });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("a completion that throws does not keep the others of its group from running")
  void failingCompletion() throws Exception {
    ContextInternal a = eventLoop();
    CountDownLatch done = new CountDownLatch(2);
    Outbox.collect(() -> {
      Outbox.post(a, done::countDown);
      Outbox.post(a, () -> {
        throw new IllegalStateException("boom");
      });
      Outbox.post(a, done::countDown);
    });
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName("a pass that throws still delivers what it collected")
  void failingPass() throws Exception {
    ContextInternal a = eventLoop();
    CountDownLatch done = new CountDownLatch(1);
    try {
      Outbox.collect(() -> {
        Outbox.post(a, done::countDown);
        throw new IllegalStateException("the run failed");
      });
    } catch (IllegalStateException expected) {
      // the runner's own handling; what matters is the answer below
    }
    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void until(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean() && System.nanoTime() < end) {
      Thread.sleep(5);
    }
  }
}
