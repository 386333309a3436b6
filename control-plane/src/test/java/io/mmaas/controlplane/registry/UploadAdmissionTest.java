package io.mmaas.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Uploads are refused before their body is read, and leave no temporary file behind")
class UploadAdmissionTest {
  static ControlPlaneFixture cp;
  static String admin;
  static String auditor;
  static Path tmp;
  static Path fresh;

  @BeforeAll
  static void start() throws Exception {
    // a data folder with what a crashed upload left behind long ago, and one written just now
    Path dataDir = Files.createTempDirectory("mmaas-cp-");
    tmp = Files.createDirectories(dataDir.resolve("blobs").resolve("tmp"));
    Path stale = Files.write(tmp.resolve("upload-stale"), new byte[1024]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path staleDir = Files.createDirectories(tmp.resolve("upload-stale-archive.d"));
    Files.setLastModifiedTime(Files.write(staleDir.resolve("weights.bin"), new byte[16]),
        FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Files.setLastModifiedTime(staleDir, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    fresh = Files.write(tmp.resolve("upload-in-progress-elsewhere"), new byte[16]);
    cp = ControlPlaneFixture.start(Map.of("MMAAS_DATA_DIR", dataDir.toString()));
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", "acme"));
    cp.post(admin, "/api/v1/tenants/acme/models", new JsonObject().put("name", "m"));
    cp.post(admin, "/api/v1/tenants/acme/users", new JsonObject().put("username", "audra").put("role", "auditor")
        .put("password", "a-long-enough-password"));
    auditor = cp.login("audra@acme", "a-long-enough-password");
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  @Test
  @DisplayName("at start, what a dead upload left in blobs/tmp is deleted; a file still being written is not")
  void sweptAtStart() {
    assertThat(tmp.resolve("upload-stale")).doesNotExist();
    assertThat(tmp.resolve("upload-stale-archive.d")).doesNotExist();
    assertThat(fresh).exists();
  }

  @Test
  @DisplayName("a caller without write access is answered 403 while its body is still being sent")
  void refusedBeforeTheBody() throws Exception {
    assertThat(openEndedUpload(auditor, "m").statusCode()).isEqualTo(403);
    assertThat(openEndedUpload(admin, "no-such-model").statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a refused or invalid upload leaves no temporary file")
  void noTemporaryFileLeft() throws Exception {
    assertThat(send(auditor, Buffer.buffer(new byte[256 * 1024])).statusCode()).isEqualTo(403);
    assertThat(send(admin, Buffer.buffer("this is not an ONNX model")).statusCode()).isEqualTo(400);
    Instant deadline = Instant.now().plusSeconds(15);
    while (uploadsLeft() > 0) {
      assertThat(Instant.now()).as("temporary files are deleted").isBefore(deadline);
      Thread.sleep(50);
    }
  }

  /** Starts a chunked upload, sends one piece and never ends it; the answer must come anyway. */
  private static HttpClientResponse openEndedUpload(String token, String model) throws Exception {
    HttpClient http = cp.vertx.createHttpClient();
    try {
      var req = http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(cp.adminUrl()
          + "/api/v1/tenants/acme/models/" + model + "/versions")).await();
      req.putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/octet-stream")
          .setChunked(true);
      req.write(Buffer.buffer(new byte[64 * 1024]));
      return req.response().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      http.close();
    }
  }

  private static io.vertx.ext.web.client.HttpResponse<Buffer> send(String token, Buffer body) {
    return cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/acme/models/m/versions").bearerTokenAuthentication(token)
        .putHeader("Content-Type", "application/octet-stream").sendBuffer(body).await();
  }

  private static long uploadsLeft() throws Exception {
    try (var files = Files.list(tmp)) {
      return files.filter(p -> !p.equals(fresh)).count();
    }
  }

}
