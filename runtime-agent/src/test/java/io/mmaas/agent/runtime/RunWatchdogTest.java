package io.mmaas.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RunWatchdog: per-thread run options")
class RunWatchdogTest {

  @Test
  @DisplayName("a thread's run options are freed once the thread has ended")
  void endedThreadsAreForgotten() throws Exception {
    try (RunWatchdog watchdog = new RunWatchdog(40)) {
      watchdog.begin().end();
      Thread worker = new Thread(() -> {
        try {
          watchdog.begin().end();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      worker.start();
      worker.join();
      assertThat(watchdog.threads()).isBetween(1, 2);
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (watchdog.threads() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(watchdog.threads()).as("only this test's thread keeps its options").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a run that ended without end() (an unexpected exception) does not get the next run on its thread stopped")
  void aMissedEndDoesNotStopTheNextRun() throws Exception {
    try (RunWatchdog watchdog = new RunWatchdog(20)) {
      watchdog.begin(); // never ended
      Thread.sleep(200); // the watchdog has marked it over the limit
      RunWatchdog.Slot next = watchdog.begin();
      assertThat(next.end()).isFalse();
    }
  }

  @Test
  @DisplayName("a run that ends in time is not marked stopped")
  void runsInTimeAreNotStopped() throws Exception {
    try (RunWatchdog watchdog = new RunWatchdog(1_000)) {
      RunWatchdog.Slot slot = watchdog.begin();
      Thread.sleep(50);
      assertThat(slot.end()).isFalse();
    }
  }
}
