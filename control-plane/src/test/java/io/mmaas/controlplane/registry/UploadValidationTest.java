package io.mmaas.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.ControlPlaneFixture;
import io.mmaas.onnx.OnnxModels;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Upload validation: safe paths inside a model and served tensor types; anything else is a 400 naming "
    + "the field or tensor")
class UploadValidationTest {
  static ControlPlaneFixture cp;
  static String admin;
  static final String TENANT = "upl";
  static final String MODEL = "m";
  static final String MARKER = "*/_ORT_MEM_ADDR_/*";

  @BeforeAll
  static void start() throws Exception {
    cp = ControlPlaneFixture.start();
    admin = cp.adminToken();
    cp.post(admin, "/api/v1/tenants", new JsonObject().put("name", TENANT));
    cp.post(admin, "/api/v1/tenants/" + TENANT + "/models", new JsonObject().put("name", MODEL));
  }

  @AfterAll
  static void stop() {
    cp.close();
  }

  static HttpResponse<Buffer> upload(byte[] body) {
    return cp.client.postAbs(cp.adminUrl() + "/api/v1/tenants/" + TENANT + "/models/" + MODEL + "/versions")
        .bearerTokenAuthentication(admin).putHeader("Content-Type", "application/octet-stream")
        .sendBuffer(Buffer.buffer(body)).await();
  }

  static String message(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  static byte[] zip(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (var e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  static byte[] weight() {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).array();
  }

  /** Blobs in the store, whichever store it is. */
  static long storedBlobFiles() throws IOException {
    return cp.verticle.blobs().storedBefore(java.time.Instant.now().plusSeconds(86_400), 100_000).await().size();
  }

  void assertRefused(HttpResponse<Buffer> r, long versionsBefore, long blobsBefore, long blobFilesBefore)
      throws IOException {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(cp.count("model_versions")).isEqualTo(versionsBefore);
    assertThat(cp.count("blobs")).isEqualTo(blobsBefore);
    assertThat(storedBlobFiles()).isEqualTo(blobFilesBefore);
  }

  @Test
  @DisplayName("a zip whose model keeps weights at ONNX Runtime's memory marker, with a file of that name, is a 400 "
      + "naming the initializer; nothing is stored")
  void memoryMarkerInArchive() throws Exception {
    long versions = cp.count("model_versions");
    long blobs = cp.count("blobs");
    long files = storedBlobFiles();
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("model.onnx", OnnxModels.withExternalData(MARKER));
    entries.put(MARKER, weight());
    HttpResponse<Buffer> r = upload(zip(entries));
    assertRefused(r, versions, blobs, files);
    assertThat(message(r)).contains("is not a safe relative path (allowed: path segments of letters, digits");

    // the model alone, without the decoy entry: the refusal names the initializer and its field
    HttpResponse<Buffer> modelOnly = upload(zip(Map.of("model.onnx", OnnxModels.withExternalData(MARKER))));
    assertRefused(modelOnly, versions, blobs, files);
    assertThat(message(modelOnly)).contains("initializer 'w': external data location '" + MARKER
        + "' is not a safe relative path (allowed: path segments of letters, digits, '.', '_', '-')");
  }

  @Test
  @DisplayName("a plain .onnx whose weights sit at the memory marker is a 400 naming the initializer")
  void memoryMarkerInPlainModel() throws Exception {
    long versions = cp.count("model_versions");
    long blobs = cp.count("blobs");
    long files = storedBlobFiles();
    HttpResponse<Buffer> r = upload(OnnxModels.withExternalData(MARKER));
    assertRefused(r, versions, blobs, files);
    assertThat(message(r)).contains("initializer 'w': external data location '" + MARKER
        + "' is not a safe relative path");
  }

  @Test
  @DisplayName("archive entry names with '..', absolute paths, backslashes or control characters are a 400 naming "
      + "the entry")
  void unsafeEntryNames() throws Exception {
    long versions = cp.count("model_versions");
    long blobs = cp.count("blobs");
    long files = storedBlobFiles();
    for (String evil : new String[] {"../w.bin", "weights/../../w.bin", "/tmp/w.bin", "weights\\w.bin",
        "w\u0001.bin", "w\n.bin"}) {
      Map<String, byte[]> entries = new LinkedHashMap<>();
      entries.put("model.onnx", OnnxModels.mlp(2, 2, 2, 1));
      entries.put(evil, weight());
      HttpResponse<Buffer> r = upload(zip(entries));
      assertRefused(r, versions, blobs, files);
      assertThat(message(r)).as(evil).contains("archive entry name '")
          .contains("is not a safe relative path (allowed: path segments of letters, digits");
      assertThat(message(r)).as(evil).doesNotContain("\u0001").doesNotContain("\n");
    }
  }

  @Test
  @DisplayName("a zip with nested safe names such as weights/w.bin is still accepted")
  void nestedSafeNamesAccepted() throws Exception {
    long versions = cp.count("model_versions");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("model.onnx", OnnxModels.withExternalData("weights/w.bin"));
    entries.put("weights/w.bin", weight());
    HttpResponse<Buffer> r = upload(zip(entries));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    assertThat(r.bodyAsJsonObject().getString("format")).isEqualTo("onnx-archive");
    assertThat(cp.count("model_versions")).isEqualTo(versions + 1);
  }
  @Test
  @DisplayName("a model whose input or output has a type the platform cannot serve is a 400 naming the tensor; "
      + "nothing is stored")
  void unservedTypesRefused() throws Exception {
    long versions = cp.count("model_versions");
    long blobs = cp.count("blobs");
    long files = storedBlobFiles();
    HttpResponse<Buffer> complex = upload(OnnxModels.identityOfElementType(14, -1, 2));
    assertRefused(complex, versions, blobs, files);
    assertThat(message(complex)).contains("graph input 'x' has COMPLEX64 (14), which the platform cannot serve");
    HttpResponse<Buffer> float8 = upload(OnnxModels.identityOfElementType(17, 3));
    assertRefused(float8, versions, blobs, files);
    assertThat(message(float8)).contains("'x' has FLOAT8E4M3FN (17), which the platform cannot serve");
    HttpResponse<Buffer> unknown = upload(OnnxModels.identityOfElementType(99, 3));
    assertRefused(unknown, versions, blobs, files);
    assertThat(message(unknown)).contains("'x' has element type 99, which the platform cannot serve");
  }

  @Test
  @DisplayName("models with UINT16/32/64, BF16, FP16, BOOL and BYTES tensors are accepted with those datatypes")
  void servedTypesAccepted() {
    for (String type : new String[] {"UINT16", "UINT32", "UINT64", "BF16", "FP16", "BOOL", "BYTES"}) {
      HttpResponse<Buffer> r = upload(OnnxModels.identity(type, -1, 2));
      assertThat(r.statusCode()).as(type + ": " + r.bodyAsString()).isEqualTo(201);
      JsonObject version = r.bodyAsJsonObject();
      assertThat(version.encode()).as(type).contains("\"datatype\":\"" + type + "\"");
    }
  }
}
