package io.mmaas.bench.load;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open-loop load generator: sends at a fixed rate whatever the answers do (a tick every millisecond sends what the
 * rate owes so far, on as many connections as needed up to {@code maxConnections}), so a slow server shows as
 * latency, not as a lower offered rate. Latency is measured from the moment a request is handed to the client; as
 * sending never waits for an answer, a slow server cannot hide its queueing (no coordinated omission).
 */
public final class PacedLoad {
  private static final long TICK_MS = 1;

  private final Vertx vertx;
  private final Target target;
  private final double perSecond;
  private final int maxConnections;

  public PacedLoad(Vertx vertx, Target target, double perSecond, int maxConnections) {
    this.vertx = vertx;
    this.target = target;
    this.perSecond = perSecond;
    this.maxConnections = maxConnections;
  }

  /** Starts sending now for {@code seconds}; the future completes once every answer is in. */
  public io.vertx.core.Future<LoadResult> start(double seconds) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
    RequestOptions options = target.options();
    long start = System.nanoTime();
    long total = (long) (perSecond * seconds);
    Tally tally = new Tally(target.name() + " @" + perSecond + "/s", maxConnections, start, seconds);
    AtomicLong sent = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    Promise<LoadResult> done = Promise.promise();
    vertx.setPeriodic(TICK_MS, id -> {
      long now = System.nanoTime();
      long due = Math.min(total, (long) ((now - start) / 1e9 * perSecond) + 1);   // request n is due at n/rate
      while (sent.get() < due) {
        sent.incrementAndGet();
        long began = System.nanoTime();
        client.request(options)
            .compose(request -> request.send(target.body()))
            .compose(response -> response.body().map(b -> response.statusCode()))
            .onComplete(r -> {
              tally.record(r.succeeded() ? r.result() : 0, began, System.nanoTime());
              if (answered.incrementAndGet() == total) {
                client.close();
                done.complete(tally.result((System.nanoTime() - start) / 1e9));
              }
            });
      }
      if (sent.get() >= total) {
        vertx.cancelTimer(id);
      }
    });
    return done.future();
  }
}
