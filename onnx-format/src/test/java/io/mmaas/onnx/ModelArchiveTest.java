package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Model archives with external data extract safely and load in ONNX Runtime")
class ModelArchiveTest {
  static final ModelArchive.Limits LIMITS = new ModelArchive.Limits(100, 1 << 20, 4 << 20);

  @TempDir
  Path tmp;

  Path zip(Map<String, byte[]> entries) throws Exception {
    Path zip = Files.createTempFile(tmp, "a", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (var e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    return zip;
  }

  static byte[] weight(float w) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(w).array();
  }

  @Test
  @DisplayName("a model and its external weights extract into their folder and compute y = x + w")
  void validArchiveLoads() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("model/model.onnx", OnnxModels.withExternalData("data/weights.bin"));
    entries.put("model/data/weights.bin", weight(2.5f));
    Path zip = zip(entries);
    assertThat(ModelArchive.isZip(zip)).isTrue();
    ModelArchive.Extracted x = ModelArchive.extract(zip, tmp.resolve("out"), LIMITS);
    assertThat(x.signature().externalDataLocations()).containsExactly("data/weights.bin");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(x.model().toString(), new OrtSession.SessionOptions());
         OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {1.5f}), new long[] {1});
         OrtSession.Result r = s.run(Map.of("x", in))) {
      assertThat(((OnnxTensor) r.get(0)).getFloatBuffer().get(0)).isEqualTo(4.0f);
    }
  }

  @Test
  @DisplayName("zip-slip, absolute and backslash names are refused before anything is written outside")
  void traversalRefused() throws Exception {
    for (String evil : new String[] {"../evil.onnx", "a/../../evil.onnx", "/etc/evil.onnx", "C:/evil.onnx",
        "a\\..\\evil.onnx", "./x.onnx"}) {
      Path zip = zip(Map.of(evil, OnnxModels.mlp(2, 2, 2, 1)));
      Path out = tmp.resolve("out-" + Math.abs(evil.hashCode()));
      assertThatThrownBy(() -> ModelArchive.extract(zip, out, LIMITS)).as(evil)
          .isInstanceOf(InvalidModelException.class).hasMessageContaining("not allowed");
    }
    assertThat(tmp.resolve("evil.onnx")).doesNotExist();
  }

  @Test
  @DisplayName("entry names must be safe relative paths: markers, control characters, odd characters are refused")
  void unsafeEntryNamesRefused() throws Exception {
    for (String evil : new String[] {"*/_ORT_MEM_ADDR_/*", "w\u0001.bin", "w\n.bin", "a//w.bin", "a/./w.bin",
        "w bin", "w:bin", "sub/\u00e9.bin", "x".repeat(256)}) {
      Path zip = zip(Map.of("m.onnx", OnnxModels.mlp(2, 2, 2, 1), evil, weight(1)));
      assertThatThrownBy(() -> ModelArchive.extract(zip, tmp.resolve("u-" + Math.abs(evil.hashCode())), LIMITS))
          .as(evil).isInstanceOf(InvalidModelException.class)
          .hasMessageContaining("archive entry name '")
          .hasMessageContaining("is not a safe relative path (allowed: path segments of letters, digits");
    }
  }

  @Test
  @DisplayName("a model whose weights sit at ONNX Runtime's memory-address marker is refused, file or no file")
  void memoryMarkerRefused() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("model.onnx", OnnxModels.withExternalData("*/_ORT_MEM_ADDR_/*"));
    entries.put("*/_ORT_MEM_ADDR_/*", weight(1));
    assertThatThrownBy(() -> ModelArchive.extract(zip(entries), tmp.resolve("mm"), LIMITS))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("is not a safe relative path");
    Path modelOnly = zip(Map.of("model.onnx", OnnxModels.withExternalData("*/_ORT_MEM_ADDR_/*")));
    assertThatThrownBy(() -> ModelArchive.extract(modelOnly, tmp.resolve("mo"), LIMITS))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("initializer 'w': external data location '*/_ORT_MEM_ADDR_/*' is not a safe");
  }

  @Test
  @DisplayName("nested safe names such as weights/w.bin, with directory entries, still extract")
  void nestedSafeNamesAccepted() throws Exception {
    Path zip = Files.createTempFile(tmp, "n", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("weights/"));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("model-v1_0.onnx"));
      out.write(OnnxModels.withExternalData("weights/w.bin"));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("weights/w.bin"));
      out.write(weight(2));
      out.closeEntry();
    }
    ModelArchive.Extracted x = ModelArchive.extract(zip, tmp.resolve("nested"), LIMITS);
    assertThat(x.signature().externalDataLocations()).containsExactly("weights/w.bin");
  }

  @Test
  @DisplayName("an archive that expands past its limits is refused by bytes written, not declared sizes")
  void bombRefused() throws Exception {
    Path zip = zip(Map.of("m.onnx", OnnxModels.mlp(2, 2, 2, 1), "big.bin", new byte[2 << 20]));
    assertThatThrownBy(() -> ModelArchive.extract(zip, tmp.resolve("b"), LIMITS))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("beyond its limits");
  }

  @Test
  @DisplayName("missing external data, two models, or no model at all are refused")
  void structureChecked() throws Exception {
    Path missing = zip(Map.of("m.onnx", OnnxModels.withExternalData("weights.bin")));
    assertThatThrownBy(() -> ModelArchive.extract(missing, tmp.resolve("m"), LIMITS))
        .hasMessageContaining("not a file in the archive");
    Path escaping = zip(Map.of("m.onnx", OnnxModels.withExternalData("../weights.bin"), "weights.bin", weight(1)));
    assertThatThrownBy(() -> ModelArchive.extract(escaping, tmp.resolve("e"), LIMITS))
        .isInstanceOf(InvalidModelException.class);
    Path two = zip(Map.of("a.onnx", OnnxModels.mlp(2, 2, 2, 1), "b.onnx", OnnxModels.mlp(2, 2, 2, 2)));
    assertThatThrownBy(() -> ModelArchive.extract(two, tmp.resolve("t"), LIMITS)).hasMessageContaining("exactly one");
    Path notZip = tmp.resolve("plain.onnx");
    try (OutputStream o = Files.newOutputStream(notZip)) {
      o.write(OnnxModels.mlp(2, 2, 2, 1));
    }
    assertThat(ModelArchive.isZip(notZip)).isFalse();
  }

  @Test
  @DisplayName("an archive whose entry data is cut short is refused as an invalid archive, not an I/O error")
  void truncatedEntryRefused() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("model.onnx", OnnxModels.withExternalData("w.bin"));
    entries.put("w.bin", new byte[4000]);
    byte[] bytes = Files.readAllBytes(zip(entries));
    // the central directory says the deflated data of w.bin ends after 2 bytes: reading it hits the end of its
    // deflate stream (an EOFException inside ZipFile, which is no ZipException; found by ModelArchiveFuzzTest)
    int central = lastIndexOf(bytes, new byte[] {'P', 'K', 1, 2});
    ByteBuffer.wrap(bytes, central + 20, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
    Path cut = tmp.resolve("cut.zip");
    Files.write(cut, bytes);
    assertThatThrownBy(() -> ModelArchive.extract(cut, tmp.resolve("cut"), LIMITS))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("w.bin");
  }

  @Test
  @DisplayName("an archive cut off inside its trailing comment is refused as an invalid archive, not an I/O error")
  void truncatedArchiveRefused() throws Exception {
    Path zip = tmp.resolve("commented.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.setComment("exported by a tool that writes a comment after the central directory");
      out.putNextEntry(new ZipEntry("m.onnx"));
      out.write(OnnxModels.mlp(2, 2, 2, 1));
      out.closeEntry();
    }
    byte[] bytes = Files.readAllBytes(zip);
    // its end record is intact but announces more comment than is left: ZipFile's constructor raises EOFException,
    // no ZipException (found by ModelArchiveFuzzTest)
    Path cut = tmp.resolve("cut-comment.zip");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertThatThrownBy(() -> ModelArchive.extract(cut, tmp.resolve("cut-comment"), LIMITS))
        .isInstanceOf(InvalidModelException.class).hasMessageContaining("not a valid zip archive");
  }

  private static int lastIndexOf(byte[] bytes, byte[] what) {
    for (int i = bytes.length - what.length; i >= 0; i--) {
      if (java.util.Arrays.equals(bytes, i, i + what.length, what, 0, what.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }
}
