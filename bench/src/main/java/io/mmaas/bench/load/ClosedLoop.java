package io.mmaas.bench.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A closed-loop load generator over several targets at once: per target {@code clients} connections, each sending its
 * next request as soon as the previous answer is read, for a fixed time. Any answer counts (a 429 comes back fast and
 * the client asks again at once, which is what a client ignoring Retry-After does).
 */
public final class ClosedLoop {
  private ClosedLoop() {
  }

  /** Runs all targets together; each gets {@code clients} connections. Results in the order of {@code targets}. */
  public static List<LoadResult> run(Vertx vertx, List<Target> targets, int clients, double seconds) {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    List<Tally> tallies = new ArrayList<>();
    List<HttpClient> httpClients = new ArrayList<>();
    List<Future<Void>> loops = new ArrayList<>();
    for (Target t : targets) {
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
          new PoolOptions().setHttp1MaxSize(clients));
      httpClients.add(client);
      Tally tally = new Tally(t.name(), clients, start, seconds);
      tallies.add(tally);
      RequestOptions options = t.options();
      for (int c = 0; c < clients; c++) {
        Promise<Void> done = Promise.promise();
        loop(client, options, t, end, tally, done);
        loops.add(done.future());
      }
    }
    Future.all(loops).await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    httpClients.forEach(c -> c.close().await());
    return tallies.stream().map(t -> t.result(elapsed)).toList();
  }

  public static LoadResult run(Vertx vertx, Target target, int clients, double seconds) {
    return run(vertx, List.of(target), clients, seconds).get(0);
  }

  private static void loop(HttpClient client, RequestOptions options, Target t, long end, Tally tally,
                           Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    long sent = System.nanoTime();
    client.request(options)
        .compose(request -> request.send(t.body()))
        .compose(response -> response.body().map(b -> response.statusCode()))
        .onComplete(r -> {
          tally.record(r.succeeded() ? r.result() : 0, sent, System.nanoTime());
          loop(client, options, t, end, tally, done);
        });
  }
}
