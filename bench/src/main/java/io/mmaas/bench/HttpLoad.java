package io.mmaas.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP load generator: {@code connections} clients, each sending its next request as soon as the
 * previous answer is read, for a fixed time. Latency is measured from send to the last byte of the response.
 */
final class HttpLoad {
  private HttpLoad() {}

  static Measurement run(Vertx vertx, String name, int port, String path, Map<String, String> headers, Buffer body,
      int connections, double seconds) {
    HttpClient client = vertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(connections));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path);
    headers.forEach(options::putHeader);
    Recorder recorder = new Recorder(3);
    AtomicLong calls = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Promise<Void> done = Promise.promise();
      loop(client, options, body, end, recorder, calls, errors, done);
      loops.add(done.future());
    }
    Future.all(loops).await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    client.close().await();
    return Measurement.of(name, connections, calls.get(), errors.get(), elapsed, recorder.getIntervalHistogram());
  }

  private static void loop(HttpClient client, RequestOptions options, Buffer body, long end, Recorder recorder,
      AtomicLong calls, AtomicLong errors, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    long began = System.nanoTime();
    client.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(b -> response.statusCode()))
        .onComplete(result -> {
          if (result.succeeded() && result.result() == 200) {
            recorder.recordValue(Math.max(1, (System.nanoTime() - began) / 1000));
            calls.incrementAndGet();
          } else {
            errors.incrementAndGet();
          }
          loop(client, options, body, end, recorder, calls, errors, done);
        });
  }
}
