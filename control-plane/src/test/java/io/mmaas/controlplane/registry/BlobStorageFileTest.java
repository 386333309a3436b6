package io.mmaas.controlplane.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;

@DisplayName("File store: the storage quota bounds the disk, and unreferenced content is collected")
class BlobStorageFileTest extends BlobStorageCases {
  @Override
  Map<String, String> storeEnv() {
    return Map.of("MMAAS_BLOB_STORE", "file");
  }

  @Override
  void plantOrphan(String sha, byte[] bytes, Instant modified) throws Exception {
    Path p = Files.createDirectories(cp.dataDir.resolve("blobs/sha256").resolve(sha.substring(0, 2))).resolve(sha);
    Files.write(p, bytes);
    Files.setLastModifiedTime(p, FileTime.from(modified));
  }
}
