package io.mmaas.system;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads calling one model through the gateway, as an application would: paced (a pause between requests)
 * or back to back, each request optionally retried once. Counts what a client sees with and without that retry.
 */
final class SteadyLoad implements AutoCloseable {
  private final SystemFixture sys;
  private final String key;
  private final String model;
  private final JsonObject body;
  private final long pauseMillis;
  private final boolean retryOnce;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger ok = new AtomicInteger();
  /** Requests whose first attempt failed (what a client without a retry sees). */
  final AtomicInteger firstAttemptFailed = new AtomicInteger();
  /** Requests that failed on their retry too (or on the first attempt, without retries). */
  final AtomicInteger failed = new AtomicInteger();
  /** Failed attempts by what they got (status and body, or the exception). */
  final Map<String, Integer> failures = new ConcurrentHashMap<>();
  /** When the last attempt failed (System.nanoTime), 0 if none. */
  final AtomicLong lastFailureNanos = new AtomicLong();

  SteadyLoad(SystemFixture sys, String key, String model, JsonObject body, int threads, long pauseMillis,
             boolean retryOnce) {
    this.sys = sys;
    this.key = key;
    this.model = model;
    this.body = body;
    this.pauseMillis = pauseMillis;
    this.retryOnce = retryOnce;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::run, "steady-load-" + i);
      t.setDaemon(true);
      this.threads.add(t);
    }
    this.threads.forEach(Thread::start);
  }

  private void run() {
    while (running) {
      requests.incrementAndGet();
      boolean done = attempt();
      if (!done) {
        firstAttemptFailed.incrementAndGet();
        done = retryOnce && attempt();
      }
      (done ? ok : failed).incrementAndGet();
      if (pauseMillis > 0) {
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private boolean attempt() {
    String outcome;
    try {
      HttpResponse<Buffer> r = sys.http.postAbs(sys.gatewayUrl + "/v2/models/" + model + "/infer").timeout(15_000)
          .bearerTokenAuthentication(key).sendJsonObject(body).await();
      if (r.statusCode() == 200) {
        return true;
      }
      String text = r.bodyAsString();
      outcome = r.statusCode() + " " + (text == null ? "" : text.length() > 120 ? text.substring(0, 120) : text);
    } catch (RuntimeException e) {
      outcome = e.toString();
    }
    failures.merge(outcome, 1, Integer::sum);
    lastFailureNanos.set(System.nanoTime());
    return false;
  }

  /** Waits until {@code n} more requests have succeeded (bounded by {@code timeoutMillis}). */
  void awaitOk(int n, long timeoutMillis) throws InterruptedException {
    int target = ok.get() + n;
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (ok.get() < target && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    if (ok.get() < target) {
      throw new AssertionError("the load did not get " + n + " answers within " + timeoutMillis + " ms: " + this);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(20_000);
    }
  }

  @Override
  public String toString() {
    return requests.get() + " requests, " + ok.get() + " ok, " + firstAttemptFailed.get() + " failed on the first "
        + "attempt, " + failed.get() + " failed" + (retryOnce ? " after one retry" : "") + (failures.isEmpty() ? ""
        : ", failures: " + new TreeMap<>(failures));
  }
}
