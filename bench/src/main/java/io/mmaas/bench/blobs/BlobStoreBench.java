package io.mmaas.bench.blobs;

import io.mmaas.bench.report.LoadAverage;
import io.mmaas.controlplane.blobs.BlobContent;
import io.mmaas.controlplane.blobs.BlobStore;
import io.mmaas.controlplane.blobs.FileBlobStore;
import io.mmaas.controlplane.blobs.PostgresBlobStore;
import io.mmaas.controlplane.blobs.S3BlobStore;
import io.mmaas.controlplane.testing.S3Server;
import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * {@code blobs [--mib N] [--rounds R] [--out DIR]}: per blob store (file, PostgreSQL on the machine's server, S3 through
 * an in-process S3Proxy with its filesystem backend) the upload rate (a local file streamed in with {@code putFile},
 * as an upload is) and the download rate (the stream read to its end and hashed, as the agent API sends it), in MiB/s,
 * best and median of R rounds, each round on fresh content. Everything runs on this machine.
 */
public final class BlobStoreBench {
  private BlobStoreBench() {
  }

  public static void main(String[] args) throws Exception {
    int mib = 256;
    int rounds = 3;
    Path out = Path.of("bench/results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mib" -> mib = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Vertx vertx = Vertx.vertx();
    TestDatabase db = TestDatabase.create();
    S3Server s3 = S3Server.start("bench-blobs");
    var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(PgConnectOptions.fromUri(db.url()))
        .using(vertx).build();
    Map<String, BlobStore> stores = new LinkedHashMap<>();
    stores.put("file", new FileBlobStore(vertx, Files.createTempDirectory("bench-blobs-")));
    stores.put("postgres", new PostgresBlobStore(vertx, pool, 4, Clock.systemUTC()));
    stores.put("s3", new S3BlobStore(vertx, s3.settings()));
    JsonObject results = new JsonObject().put("mib", mib).put("rounds", rounds);
    StringBuilder md = new StringBuilder("# blobs — blob store throughput\n\n")
        .append(mib).append(" MiB per transfer, ").append(rounds).append(" rounds, one transfer at a time; ")
        .append("PostgreSQL on 127.0.0.1:5432, S3 = S3Proxy 2.6.0 (filesystem backend) in this process.\n\n")
        .append("| store | upload MiB/s (best / median) | download MiB/s (best / median) |\n|---|---|---|\n");
    try (LoadAverage load = new LoadAverage()) {
      for (var e : stores.entrySet()) {
        double[] up = new double[rounds];
        double[] down = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          Path file = Files.createTempFile("bench-blob-", ".bin");
          String sha = write(file, mib, e.getKey().hashCode() * 31L + r);
          long t0 = System.nanoTime();
          e.getValue().putFile(sha, file).await();
          up[r] = mib / ((System.nanoTime() - t0) / 1e9);
          Files.deleteIfExists(file);
          long t1 = System.nanoTime();
          String got = read(vertx, e.getValue().get(sha).await());
          down[r] = mib / ((System.nanoTime() - t1) / 1e9);
          if (!got.equals(sha)) {
            throw new IllegalStateException(e.getKey() + ": read back other bytes");
          }
          e.getValue().delete(sha).await();
          System.out.printf("%s round %d: upload %.1f MiB/s, download %.1f MiB/s%n", e.getKey(), r + 1, up[r], down[r]);
        }
        results.put(e.getKey(), new JsonObject().put("uploadMiBps", array(up)).put("downloadMiBps", array(down)));
        md.append(String.format("| %s | %.1f / %.1f | %.1f / %.1f |%n", e.getKey(), max(up), median(up), max(down),
            median(down)));
      }
      results.put("load", load.toJson());
      md.append("\nLoad: ").append(load.describe()).append("\n");
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Files.createDirectories(out);
    Files.writeString(out.resolve("blobs-" + stamp + ".json"), results.encodePrettily());
    Files.writeString(out.resolve("blobs-" + stamp + ".md"), md.toString());
    System.out.println(md);
    for (BlobStore s : stores.values()) {
      s.close().await();
    }
    vertx.close().await();
    s3.close();
    db.close();
  }

  private static String write(Path file, int mib, long seed) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[1 << 20];
    Random random = new Random(seed);
    try (OutputStream o = new DigestOutputStream(Files.newOutputStream(file), digest)) {
      for (int i = 0; i < mib; i++) {
        random.nextBytes(buf);
        o.write(buf);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Reads the stream to its end on an event loop, hashing on the way (as an agent would), and yields the hash. */
  private static String read(Vertx vertx, BlobContent content) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    Promise<String> done = Promise.promise();
    vertx.runOnContext(v -> {
      content.stream().exceptionHandler(done::tryFail)
          .endHandler(x -> done.tryComplete(HexFormat.of().formatHex(digest.digest())));
      content.stream().handler(b -> digest.update(b.getBytes()));
      content.stream().resume();
    });
    String sha = done.future().await();
    content.close().await();
    return sha;
  }

  private static JsonArray array(double[] v) {
    JsonArray a = new JsonArray();
    for (double d : v) {
      a.add(Math.round(d * 10) / 10.0);
    }
    return a;
  }

  private static double max(double[] v) {
    return java.util.Arrays.stream(v).max().orElse(0);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s[s.length / 2];
  }
}
