package io.mmaas.controlplane.registry;

import io.mmaas.controlplane.testing.S3Server;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;

@DisplayName("S3 store: the storage quota is reserved before storing, and unreferenced content is collected")
class BlobStorageS3Test extends BlobStorageCases {
  S3Server s3;

  @Override
  Map<String, String> storeEnv() throws Exception {
    s3 = S3Server.start("gc-blobs");
    return s3.env();
  }

  @Override
  void plantOrphan(String sha, byte[] bytes, Instant modified) throws Exception {
    var file = Files.write(Files.createTempFile("orphan-", ""), bytes);
    cp.verticle.blobs().putFile(sha, file).await();
    Files.setLastModifiedTime(s3.objectFile("sha256/" + sha), FileTime.from(modified));
  }

  @Override
  void stopStore() throws Exception {
    s3.close();
  }
}
