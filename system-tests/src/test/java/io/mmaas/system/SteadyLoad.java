package io.mmaas.system;

import io.vertx.core.json.JsonObject;
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
  private final List<String> gateways;
  /**
   * The JDK's client rather than the fixture's Vert.x one: its request timeout bounds everything, connection
   * acquisition included (a Vert.x client request waiting for a pooled connection to a gateway that was killed was
   * seen to wait past its timeouts).
   */
  private final java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(java.time.Duration.ofSeconds(3)).build();
  private final String encoded;
  private final AtomicInteger next = new AtomicInteger();
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
    this(sys, List.of(sys.gatewayUrl), key, model, body, threads, pauseMillis, retryOnce);
  }

  /**
   * Against several gateways, as a client behind a round-robin balancer: each request goes to the next gateway, and
   * its retry to the one after that.
   */
  SteadyLoad(SystemFixture sys, List<String> gateways, String key, String model, JsonObject body, int threads,
             long pauseMillis, boolean retryOnce) {
    this.gateways = List.copyOf(gateways);
    this.encoded = body.encode();
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
      int first = Math.floorMod(next.getAndIncrement(), gateways.size());
      boolean done = attempt(gateways.get(first));
      if (!done) {
        firstAttemptFailed.incrementAndGet();
        done = retryOnce && attempt(gateways.get((first + 1) % gateways.size()));
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

  private boolean attempt(String gateway) {
    String outcome;
    try {
      java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(gateway + "/v2/models/" + model + "/infer"))
          .timeout(java.time.Duration.ofSeconds(15)).header("Authorization", "Bearer " + key)
          .header("Content-Type", "application/json")
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(encoded)).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return true;
      }
      String text = r.body();
      outcome = r.statusCode() + " " + (text == null ? "" : text.length() > 120 ? text.substring(0, 120) : text);
    } catch (java.io.IOException | RuntimeException e) {
      outcome = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + " from "
          + gateway;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "interrupted";
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
