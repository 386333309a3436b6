package io.mmaas.bench.audit;

import io.mmaas.bench.report.LoadAverage;
import io.mmaas.bench.report.Report;
import io.mmaas.bench.system.AdminApi;
import io.mmaas.bench.system.Platform;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code java -jar bench-app.jar denials [--signins N] [--concurrency C] [--probes K] [--out DIR]} (issue #17, item
 * 3): one packaged control plane on a fresh database; admin writes (model creation, audited through the chain) and
 * gateway key loads (a fresh key each, so a database read) are timed one at a time, first on a quiet system, then
 * while N sign-ins (default 100,000) with wrong passwords and new usernames arrive from one source, C at a time
 * (default 64): after 50 failures the source is throttled, so nearly all are throttled sign-ins. Writes
 * {@code denials-<time>.json} and {@code .md}.
 */
public final class DenialFloodBench {
  private DenialFloodBench() {
  }

  public static void main(String[] args) throws Exception {
    int signins = 100_000;
    int concurrency = 64;
    int probes = 200;
    Path out = Path.of("bench/results");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--signins" -> signins = Integer.parseInt(args[i + 1]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
        case "--probes" -> probes = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Report report = new Report("denials", "Anonymous audit flood benchmark");
    try (LoadAverage load = new LoadAverage(); Platform p = Platform.create()) {
      p.startControlPlane("denials-cp", Map.of());
      AdminApi admin = p.admin();
      admin.post("/api/v1/tenants", new JsonObject().put("name", "bench"));
      admin.put("/api/v1/tenants/bench/quota", new JsonObject().put("maxModels", 10_000));
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 3 * probes; i++) {
        keys.add(admin.post("/api/v1/tenants/bench/api-keys", new JsonObject().put("name", "k" + i)).getString("key"));
      }
      report.line("One control-plane process (packaged jar) on a fresh database, load generator in this process, all "
          + "on 127.0.0.1. Probes one at a time: an admin write (`POST …/models`, audited in its transaction) and a "
          + "gateway key load (`GET /v2/models/none` with a key never used before: a database read, answered 404)."
          + " Flood: %,d sign-ins with wrong passwords and new usernames from one source, %d at a time. Floor: for as long as the probes run, POSTs with the "
          + "same bodies to a path the admin API does not route (404 at once: no database, no audit, no hashing), as "
          + "many at a time: what any answer costs at that concurrency. What the sign-in flood adds over the floor is "
          + "the cost of the sign-in path itself.%n",
          signins, concurrency);
      report.line("| phase | admin write p50 ms | p99 ms | max ms | key load p50 ms | p99 ms | max ms |");
      report.line("|---|---|---|---|---|---|---|");
      long[][] quiet = probe(p, admin, keys.subList(0, probes), "quiet");
      row(report, "quiet", quiet);

      long eventsBefore = auditEvents(p);
      String login = p.controlPlanes.get(0).adminUrl() + "/api/v1/auth/login";
      Flood signinFlood = flood(p, login, signins, concurrency);
      long[][] during = probe(p, admin, keys.subList(probes, 2 * probes), "flood");
      signinFlood.finish(during);
      row(report, "during the sign-in flood", during);
      long written = auditEvents(p) - eventsBefore;

      // runs until its probes end (404s come back faster than throttled sign-ins: a count could end before them)
      Flood floorFlood = flood(p, p.controlPlanes.get(0).adminUrl() + "/not-routed", Integer.MAX_VALUE, concurrency);
      floorFlood.untilProbed = true;
      long[][] floor = probe(p, admin, keys.subList(2 * probes, 3 * probes), "floor");
      floorFlood.finish(floor);
      row(report, "during the floor flood (404s)", floor);
      report.line("%nSign-in flood: %,d sign-ins in %.1f s (%,.0f/s; %,d of them while the probes ran): %,d throttled "
          + "(429), %,d refused (401), %,d other. Audit events written meanwhile (probes' own included): %,d.",
          signins, signinFlood.seconds, signins / signinFlood.seconds, signinFlood.sentWhileProbing,
          signinFlood.count(429), signinFlood.count(401), signinFlood.others(), written);
      long floorSent = floorFlood.statuses.values().stream().mapToLong(AtomicLong::get).sum();
      report.line("Floor flood: %,d requests in %.1f s (%,.0f/s), for as long as the probes ran: %,d answered 404, "
          + "%,d other.", floorSent, floorFlood.seconds, floorSent / floorFlood.seconds, floorFlood.count(404),
          floorSent - floorFlood.count(404));
      report.line("%nAdmin write p99 during the sign-in flood / during the floor flood: %.2f; key load p99: %.2f "
          + "(1.0: the sign-in path costs the other work nothing beyond what any answer at that rate costs).",
          pct(during[0], 99) / pct(floor[0], 99), pct(during[1], 99) / pct(floor[1], 99));
      report.json().put("quiet", stats(quiet)).put("flood", stats(during)).put("floor", stats(floor))
          .put("signins", signins).put("floodSeconds", signinFlood.seconds)
          .put("floorSeconds", floorFlood.seconds).put("throttled", signinFlood.count(429))
          .put("refused", signinFlood.count(401)).put("auditEventsWritten", written);
      report.line("%nMachine: %s.", load.describe());
      report.json().put("loadAverage", load.toJson());
    }
    System.out.println("\nwritten " + report.write(out));
  }

  /** A flood of {@code total} POSTs to {@code url}, {@code concurrency} at a time, counted by status. */
  private static final class Flood {
    final Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger sent = new AtomicInteger();
    final List<Future<Void>> workers = new ArrayList<>();
    final long start = System.nanoTime();
    int sentWhileProbing;
    double seconds;
    /** Set by {@link #finish} for a flood that runs until the probes end rather than for a count. */
    volatile boolean untilProbed;
    volatile boolean stopped;

    void finish(long[][] probed) {
      sentWhileProbing = sent.get();
      stopped = untilProbed;
      Future.all(workers).await();
      seconds = (System.nanoTime() - start) / 1e9;
    }

    long count(int status) {
      AtomicLong n = statuses.get(status);
      return n == null ? 0 : n.get();
    }

    long others() {
      return statuses.entrySet().stream().filter(e -> e.getKey() != 429 && e.getKey() != 401)
          .mapToLong(e -> e.getValue().get()).sum();
    }
  }

  private static Flood flood(Platform p, String url, int total, int concurrency) {
    WebClient client = WebClient.create(p.vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(concurrency));
    Flood f = new Flood();
    for (int w = 0; w < concurrency; w++) {
      Promise<Void> done = Promise.promise();
      worker(client, url, total, f, done);
      f.workers.add(done.future());
    }
    return f;
  }

  private static void worker(WebClient client, String url, int total, Flood f, Promise<Void> done) {
    int n = f.sent.getAndIncrement();
    if (n >= total || f.stopped) {
      done.tryComplete();
      return;
    }
    client.postAbs(url).sendJsonObject(new JsonObject().put("username", "spray-" + n).put("password", "guess-" + n))
        .onComplete(ar -> {
          int status = ar.succeeded() ? ar.result().statusCode() : -1;
          f.statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
          worker(client, url, total, f, done);
        });
  }

  /** {admin write latencies, key load latencies} in microseconds. */
  private static long[][] probe(Platform p, AdminApi admin, List<String> keys, String tag) {
    long[] writes = new long[keys.size()];
    long[] loads = new long[keys.size()];
    String gateway = p.controlPlanes.get(0).gatewayUrl() + "/v2/models/none";
    for (int i = 0; i < keys.size(); i++) {
      long t0 = System.nanoTime();
      int s = admin.send(p.controlPlanes.get(0).adminUrl(), HttpMethod.POST, "/api/v1/tenants/bench/models",
          new JsonObject().put("name", tag + "-" + i)).await().statusCode();
      writes[i] = (System.nanoTime() - t0) / 1000;
      if (s != 201) {
        throw new IllegalStateException("admin write answered " + s);
      }
      long t1 = System.nanoTime();
      int g = admin.http().getAbs(gateway).bearerTokenAuthentication(keys.get(i)).send().await().statusCode();
      loads[i] = (System.nanoTime() - t1) / 1000;
      if (g != 404) {
        throw new IllegalStateException("key load answered " + g);
      }
    }
    return new long[][] {writes, loads};
  }

  private static void row(Report report, String phase, long[][] m) {
    report.line("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |", phase, pct(m[0], 50), pct(m[0], 99), pct(m[0], 100),
        pct(m[1], 50), pct(m[1], 99), pct(m[1], 100));
  }

  private static JsonObject stats(long[][] m) {
    return new JsonObject().put("adminWriteP50Ms", pct(m[0], 50)).put("adminWriteP99Ms", pct(m[0], 99))
        .put("keyLoadP50Ms", pct(m[1], 50)).put("keyLoadP99Ms", pct(m[1], 99));
  }

  private static double pct(long[] micros, int p) {
    List<Long> sorted = new ArrayList<>();
    for (long v : micros) {
      sorted.add(v);
    }
    Collections.sort(sorted);
    int i = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
    return sorted.get(Math.max(0, i)) / 1000.0;
  }

  private static long auditEvents(Platform p) throws Exception {
    try (var c = p.db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM audit_events")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
