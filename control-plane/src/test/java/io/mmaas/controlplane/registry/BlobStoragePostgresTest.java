package io.mmaas.controlplane.registry;

import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;

@DisplayName("PostgreSQL store (the default): the storage quota is reserved before storing, and unreferenced content is collected")
class BlobStoragePostgresTest extends BlobStorageCases {
  @Override
  Map<String, String> storeEnv() {
    return Map.of();
  }

  @Override
  void plantOrphan(String sha, byte[] bytes, Instant modified) throws Exception {
    var file = java.nio.file.Files.write(java.nio.file.Files.createTempFile("orphan-", ""), bytes);
    cp.verticle.blobs().putFile(sha, file).await();
    try (var c = cp.db.connect(); var s = c.prepareStatement(
        "UPDATE blob_store_objects SET stored_at = ? WHERE sha256 = ?")) {
      s.setObject(1, modified.atOffset(java.time.ZoneOffset.UTC));
      s.setString(2, sha);
      s.executeUpdate();
    }
  }
}
