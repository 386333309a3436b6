package io.mmaas.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage quota bounds the store and unreferenced content is collected, whatever the store: each store's test
 * class extends this one.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class BlobStorageCases {
  ControlPlaneFixture cp;
  String admin;

  /** The store's variables. */
  abstract Map<String, String> storeEnv() throws Exception;

  /** Puts content into the store as if stored {@code modified}, with no row describing it. */
  abstract void plantOrphan(String sha, byte[] bytes, Instant modified) throws Exception;

  void stopStore() throws Exception {
  }

  @BeforeAll
  void start() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(storeEnv());
    env.put("MMAAS_BLOB_GC_INTERVAL_MS", "200");
    cp = ControlPlaneFixture.start(env);
    admin = cp.adminToken();
    for (String t : new String[] {"tight", "one", "two"}) {
      cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", t));
      cp.post(admin, "/api/v1/tenants/" + t + "/models", new JsonObject().put("name", "m"));
    }
  }

  @AfterAll
  void stop() throws Exception {
    cp.close();
    stopStore();
  }

  @Test
  @DisplayName("a version over the storage quota is refused with nothing left in the store")
  void quotaBeforeStore() throws Exception {
    byte[] first = OnnxModels.mlp(4, 8, 2, 1);
    String sha = cp.upload(admin, "tight", "m", first).getString("sha256");
    assertThat(cp.client.putAbs(cp.adminUrl() + "/api/v1/tenants/tight/quota").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("maxStorageBytes", first.length + 10L)).await().statusCode()).isEqualTo(200);
    byte[] second = OnnxModels.mlp(4, 8, 2, 2);
    var refused = cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/tight/models/m/versions")
        .bearerTokenAuthentication(admin).putHeader("Content-Type", "application/octet-stream")
        .sendBuffer(Buffer.buffer(second)).await();
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(stored()).contains(sha).doesNotContain(sha256(second));
  }

  @Test
  @DisplayName("content no READY version references is removed (and audited); content another tenant still uses stays")
  void unreferencedContentIsCollected() throws Exception {
    byte[] shared = OnnxModels.mlp(3, 5, 2, 7);
    byte[] alone = OnnxModels.mlp(3, 5, 2, 8);
    String sharedSha = cp.upload(admin, "one", "m", shared).getString("sha256");
    cp.upload(admin, "two", "m", shared);
    String aloneSha = cp.upload(admin, "one", "m", alone).getString("sha256");
    assertThat(delete("/api/v1/tenants/one/models/m/versions/1")).isEqualTo(204);
    assertThat(delete("/api/v1/tenants/one/models/m/versions/2")).isEqualTo(204);
    await(() -> !stored().contains(aloneSha));
    assertThat(stored()).as("still used by tenant two").contains(sharedSha);
    await(() -> cp.get(admin, "/api/v1/audit-events?action=blob.collect&limit=10").getJsonArray("items").size() == 1);

    // the same content uploaded again is stored again
    String again = cp.upload(admin, "one", "m", alone).getString("sha256");
    assertThat(again).isEqualTo(aloneSha);
    assertThat(stored()).contains(aloneSha);
    var artifactRow = count("SELECT count(*) FROM blobs WHERE sha256 = '" + aloneSha + "' AND collected_at IS NULL");
    assertThat(artifactRow).isEqualTo(1);
  }

  @Test
  @DisplayName("content in the store that no row describes goes once it is an hour old, not before")
  void orphanFiles() throws Exception {
    byte[] oldBytes = "orphan stored two hours ago".getBytes();
    byte[] recentBytes = "orphan stored just now".getBytes();
    String old = sha256(oldBytes);
    String recent = sha256(recentBytes);
    plantOrphan(old, oldBytes, Instant.now().minus(Duration.ofHours(2)));
    plantOrphan(recent, recentBytes, Instant.now());
    await(() -> !stored().contains(old));
    assertThat(stored()).contains(recent);
  }

  static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  List<String> stored() {
    return cp.verticle.blobs().storedBefore(Instant.now().plus(Duration.ofDays(1)), 100_000).await();
  }

  private int delete(String path) {
    return cp.client.deleteAbs(cp.adminUrl() + path).bearerTokenAuthentication(admin).send().await().statusCode();
  }

  private long count(String sql) {
    try (var c = cp.db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition not met within 15 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
