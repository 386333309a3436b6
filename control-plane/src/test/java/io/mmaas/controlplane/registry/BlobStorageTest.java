package io.mmaas.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The storage quota bounds the disk: reserved before storing, and unreferenced content is collected")
class BlobStorageTest {
  static ControlPlaneFixture cp;
  static String admin;

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start(Map.of("MMAAS_BLOB_GC_INTERVAL_MS", "200"));
    admin = cp.adminToken();
    for (String t : new String[] {"tight", "one", "two"}) {
      cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", t));
      cp.post(admin, "/api/v1/tenants/" + t + "/models", new JsonObject().put("name", "m"));
    }
  }

  @AfterAll
  static void stop() {
    cp.close();
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
  @DisplayName("a file in the store that no row describes goes once it is an hour old, not before")
  void orphanFiles() throws Exception {
    Path old = write("ab".repeat(32), Instant.now().minus(Duration.ofHours(2)));
    Path recent = write("cd".repeat(32), Instant.now());
    await(() -> !Files.exists(old));
    assertThat(recent).exists();
  }

  private static Path write(String sha, Instant modified) throws Exception {
    Path p = Files.createDirectories(cp.dataDir.resolve("blobs/sha256").resolve(sha.substring(0, 2))).resolve(sha);
    Files.write(p, new byte[32]);
    Files.setLastModifiedTime(p, FileTime.from(modified));
    return p;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static List<String> stored() {
    try (var files = Files.walk(cp.dataDir.resolve("blobs/sha256"))) {
      return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
          .filter(n -> !n.equals("cd".repeat(32))).toList();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static int delete(String path) {
    return cp.client.deleteAbs(cp.adminUrl() + path).bearerTokenAuthentication(admin).send().await().statusCode();
  }

  private static long count(String sql) {
    try (var c = cp.db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition not met within 15 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
