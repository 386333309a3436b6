package io.mmaas.controlplane.blobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL blob store: uploads being stored never take the connection downloads need")
class PostgresBlobWritesTest {
  static final int POOL = 2;
  static Vertx vertx;
  static TestDatabase db;
  static Pool pool;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.create();
    // a caller waits at most 2 s for a connection, as the test's bound for a download to start
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(POOL).setConnectionTimeout(2)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS)).connectingTo(PgConnectOptions.fromUri(db.url()))
        .using(vertx).build();
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().await();
    vertx.close().await();
    db.close();
  }

  @Test
  @DisplayName("with a pool of 2, two uploads whose sources stall store one at a time, and an agent's download of a "
      + "stored blob is served meanwhile; both uploads complete once their sources go on")
  void writesLeaveAConnectionForReads() throws Exception {
    PostgresBlobStore store = new PostgresBlobStore(vertx, pool, POOL, Clock.systemUTC());
    byte[] stored = random(3 * PostgresBlobStore.CHUNK + 17, 1);
    String storedSha = BlobStoreContractTest.sha256(stored);
    store.put(storedSha, BlobStoreContractTest.stream(vertx, stored, 1 << 16)).await();

    byte[] first = random(PostgresBlobStore.CHUNK * 2 + 5, 2);
    byte[] second = random(PostgresBlobStore.CHUNK + 9, 3);
    Stalling a = new Stalling(first);
    Stalling b = new Stalling(second);
    Future<BlobStore.BlobInfo> putA = store.put(BlobStoreContractTest.sha256(first), a.stream());
    Future<BlobStore.BlobInfo> putB = store.put(BlobStoreContractTest.sha256(second), b.stream());
    await(() -> a.started && (b.started || store.writesWaiting() == 1));
    Thread.sleep(200); // a second write that could start would have by now

    // a download while one write holds a connection for its transfer and the other waits: without the cap, the
    // second write took the pool's last connection and this timed out after 2 s
    long t0 = System.nanoTime();
    BlobContent content = store.get(storedSha).await();
    assertThat(BlobStoreContractTest.readAll(vertx, content)).isEqualTo(stored);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(b.started).as("the second upload waits its turn without reading").isFalse();
    assertThat(store.writesStoring()).isEqualTo(1);
    assertThat(store.writesWaiting()).isEqualTo(1);
    assertThat(putA.isComplete()).isFalse();

    a.go();
    assertThat(putA.await().size()).isEqualTo(first.length);
    await(() -> b.started);
    b.go();
    assertThat(putB.await().size()).isEqualTo(second.length);
    assertThat(store.writesStoring()).isZero();
    assertThat(BlobStoreContractTest.readAll(vertx, store.get(BlobStoreContractTest.sha256(second)).await()))
        .isEqualTo(second);
  }

  @Test
  @DisplayName("permits pass to waiters in arrival order and are given back once however often released")
  void permits() {
    Permits p = new Permits(1);
    Future<Runnable> one = p.acquire();
    Future<Runnable> two = p.acquire();
    Future<Runnable> three = p.acquire();
    assertThat(one.succeeded()).isTrue();
    assertThat(two.isComplete()).isFalse();
    one.result().run();
    one.result().run();
    assertThat(two.succeeded()).isTrue();
    assertThat(three.isComplete()).isFalse();
    assertThat(p.held()).isEqualTo(1);
    two.result().run();
    three.result().run();
    assertThat(p.held()).isZero();
    assertThat(p.waiting()).isZero();
  }

  /** A source that sends its first 64 KiB when read, then stalls until {@link #go()}. */
  static final class Stalling {
    final byte[] bytes;
    final Promise<Void> gate = Promise.promise();
    volatile boolean started;
    int offset;

    Stalling(byte[] bytes) {
      this.bytes = bytes;
    }

    ReadStream<Buffer> stream() {
      return new PullReadStream(vertx.getOrCreateContext(), () -> {
        started = true;
        if (offset >= bytes.length) {
          return Future.succeededFuture(null);
        }
        Future<Void> ready = offset == 0 ? Future.succeededFuture() : gate.future();
        return ready.map(v -> {
          int n = Math.min(1 << 16, bytes.length - offset);
          Buffer b = Buffer.buffer(java.util.Arrays.copyOfRange(bytes, offset, offset + n));
          offset += n;
          return b;
        });
      }, () -> { });
    }

    void go() {
      gate.tryComplete();
    }
  }

  static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition within 10 s").isBefore(deadline);
      Thread.sleep(20);
    }
  }
}
