package io.mmaas.controlplane.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.controlplane.testing.S3Server;
import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every blob store promises, checked against each real one: a folder, PostgreSQL, and S3 (S3Proxy). */
@DisplayName("Every blob store stores content whole or not at all, streams it back, lists and deletes it")
class BlobStoreContractTest {
  static Vertx vertx;
  static TestDatabase db;
  static S3Server s3;
  static Map<String, BlobStore> stores;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    db = TestDatabase.create();
    s3 = S3Server.start("contract");
    var pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2)).connectingTo(PgConnectOptions.fromUri(db.url()))
        .using(vertx).build();
    stores = Map.of(
        "file", new FileBlobStore(vertx, Files.createTempDirectory("mmaas-blobs-")),
        "postgres", new PostgresBlobStore(vertx, pool, 2, Clock.systemUTC()),
        "s3", new S3BlobStore(vertx, s3.settings()));
  }

  @AfterAll
  static void stop() throws Exception {
    stores.values().forEach(s -> s.close().await());
    vertx.close().await();
    s3.close();
    db.close();
  }

  static Stream<String> stores() {
    return Stream.of("file", "postgres", "s3");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  @DisplayName("content of several chunks (and S3 parts) comes back byte for byte, with its size; storing it twice keeps one")
  void roundTrip(String kind) throws Exception {
    BlobStore store = stores.get(kind);
    byte[] bytes = random(2 * S3BlobStore.PART + 3 * PostgresBlobStore.CHUNK + 12_345, 1);
    String sha = sha256(bytes);
    assertThat(store.size(sha).await()).isNull();
    assertThat(store.get(sha).await()).isNull();

    BlobStore.BlobInfo info = store.put(sha, stream(bytes, 64 * 1024)).await();
    assertThat(info).isEqualTo(new BlobStore.BlobInfo(sha, bytes.length));
    assertThat(store.size(sha).await()).isEqualTo(bytes.length);
    BlobContent content = store.get(sha).await();
    assertThat(content.size()).isEqualTo(bytes.length);
    assertThat(readAll(content)).isEqualTo(bytes);

    assertThat(store.put(sha, stream(bytes, 1 << 20)).await().size()).isEqualTo(bytes.length);
    assertThat(store.storedBefore(Instant.now().plusSeconds(60), 1000).await()).containsOnlyOnce(sha);
    assertThat(store.storedBefore(Instant.now().minus(Duration.ofHours(1)), 1000).await()).doesNotContain(sha);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  @DisplayName("content smaller than a chunk, exactly one chunk, and empty content round-trip too")
  void smallAndEmpty(String kind) throws Exception {
    BlobStore store = stores.get(kind);
    for (byte[] bytes : new byte[][] {random(1000, 2), random(PostgresBlobStore.CHUNK, 3), new byte[0]}) {
      String sha = sha256(bytes);
      store.put(sha, stream(bytes, 333)).await();
      assertThat(store.size(sha).await()).isEqualTo(bytes.length);
      assertThat(readAll(store.get(sha).await())).isEqualTo(bytes);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  @DisplayName("content that does not hash to its name is refused and leaves nothing behind")
  void digestMismatch(String kind) throws Exception {
    BlobStore store = stores.get(kind);
    byte[] bytes = random(S3BlobStore.PART + 5, 4);
    String wrong = sha256(random(10, 5));
    assertThatThrownBy(() -> store.put(wrong, stream(bytes, 1 << 16)).await())
        .isInstanceOf(DigestMismatchException.class);
    assertThat(store.size(wrong).await()).isNull();
    assertThat(store.size(sha256(bytes)).await()).isNull();
    assertThat(store.storedBefore(Instant.now().plusSeconds(60), 1000).await()).doesNotContain(wrong);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  @DisplayName("a source that fails half-way leaves nothing behind")
  void failingSource(String kind) throws Exception {
    BlobStore store = stores.get(kind);
    byte[] bytes = random(S3BlobStore.PART * 2, 6);
    String sha = sha256(bytes);
    int[] served = {0};
    var context = vertx.getOrCreateContext();
    ReadStream<Buffer> broken = new PullReadStream(context, () -> {
      if (served[0] >= S3BlobStore.PART + PostgresBlobStore.CHUNK) {
        return Future.failedFuture(new java.io.IOException("connection reset"));
      }
      served[0] += 1 << 16;
      return Future.succeededFuture(Buffer.buffer(new byte[1 << 16]));
    }, () -> { });
    assertThatThrownBy(() -> store.put(sha, broken).await()).hasMessageContaining("connection reset");
    assertThat(store.size(sha).await()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  @DisplayName("a deleted blob is gone; deleting it again says it was not there")
  void delete(String kind) throws Exception {
    BlobStore store = stores.get(kind);
    byte[] bytes = random(PostgresBlobStore.CHUNK * 2 + 1, 7);
    String sha = sha256(bytes);
    store.put(sha, stream(bytes, 1 << 16)).await();
    assertThat(store.delete(sha).await()).isTrue();
    assertThat(store.size(sha).await()).isNull();
    assertThat(store.get(sha).await()).isNull();
    assertThat(store.delete(sha).await()).isFalse();
    assertThat(store.storedBefore(Instant.now().plusSeconds(60), 1000).await()).doesNotContain(sha);
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** The bytes as a stream of {@code piece}-sized buffers. */
  private static ReadStream<Buffer> stream(byte[] bytes, int piece) {
    return stream(vertx, bytes, piece);
  }

  static ReadStream<Buffer> stream(Vertx vertx, byte[] bytes, int piece) {
    int[] offset = {0};
    return new PullReadStream(vertx.getOrCreateContext(), () -> {
      if (offset[0] >= bytes.length) {
        return Future.succeededFuture(null);
      }
      int n = Math.min(piece, bytes.length - offset[0]);
      Buffer b = Buffer.buffer(java.util.Arrays.copyOfRange(bytes, offset[0], offset[0] + n));
      offset[0] += n;
      return Future.succeededFuture(b);
    }, () -> { });
  }

  private static byte[] readAll(BlobContent content) {
    return readAll(vertx, content);
  }

  static byte[] readAll(Vertx vertx, BlobContent content) {
    Promise<Buffer> all = Promise.promise();
    Buffer out = Buffer.buffer();
    vertx.runOnContext(v -> {
      content.stream().exceptionHandler(all::tryFail).endHandler(x -> all.tryComplete(out));
      content.stream().handler(out::appendBuffer);
      content.stream().resume();
    });
    byte[] bytes = all.future().await().getBytes();
    content.close().await();
    return bytes;
  }
}
