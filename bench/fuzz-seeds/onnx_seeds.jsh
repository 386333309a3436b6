// Writes the seed corpora of the onnx-format fuzz targets. From the repository root, after building onnx-format:
//   jshell --class-path onnx-format/target/classes bench/fuzz-seeds/onnx_seeds.jsh
import io.mmaas.onnx.*;
import java.nio.*;
import java.nio.file.*;
import java.util.*;
import java.util.zip.*;

Path base = Path.of("onnx-format/src/test/resources/io/mmaas/onnx");
Path inspect = base.resolve("OnnxInspectorFuzzTestInputs/inspect");
Path archive = base.resolve("ModelArchiveFuzzTestInputs/extract");
Files.createDirectories(inspect);
Files.createDirectories(archive);

void seed(Path dir, String name, byte[] bytes) throws Exception { Files.write(dir.resolve(name), bytes); }
byte[] cut(byte[] b, int n) { return Arrays.copyOf(b, n); }
byte[] loc(String s) { return ("L" + s).getBytes(java.nio.charset.StandardCharsets.UTF_8); }

byte[] mlp = OnnxModels.mlp(2, 3, 2, 1);
seed(inspect, "mlp", mlp);
seed(inspect, "mlp-truncated", cut(mlp, mlp.length / 2));
seed(inspect, "mlp-one-byte-short", cut(mlp, mlp.length - 1));
seed(inspect, "identity-int64", OnnxModels.identity("INT64", -1, 3));
seed(inspect, "identity-bytes", OnnxModels.identity("BYTES", -1));
seed(inspect, "not", OnnxModels.not(2, 2));
seed(inspect, "cast", OnnxModels.cast("FP32", "FP16", -1));
seed(inspect, "chain", OnnxModels.chain(4, 3, 7));
seed(inspect, "external-data", OnnxModels.withExternalData("data/weights.bin"));
seed(inspect, "external-data-traversal", OnnxModels.withExternalData("../../etc/passwd"));
seed(inspect, "external-data-ort-marker", OnnxModels.withExternalData("*/_ORT_MEM_ADDR_/*"));
seed(inspect, "integer-division", HostileModels.integerDivision());
seed(inspect, "allocation-bomb", HostileModels.allocationBomb());
seed(inspect, "loc-safe", loc("data/weights.bin"));
seed(inspect, "loc-dotdot", loc("a/../../w.bin"));
seed(inspect, "loc-absolute", loc("/etc/passwd"));
seed(inspect, "loc-drive", loc("C:/w.bin"));
seed(inspect, "loc-backslash", loc("a\\..\\w.bin"));
seed(inspect, "loc-dot", loc("./w.bin"));
seed(inspect, "loc-marker", loc("*/_ORT_MEM_ADDR_/*"));
seed(inspect, "loc-unicode", loc("w\u00e9ights.bin"));
seed(inspect, "loc-empty-segment", loc("a//w.bin"));

Path tmp = Files.createTempDirectory("seeds");
byte[] zip(Map<String, byte[]> entries, boolean stored) throws Exception {
  Path z = Files.createTempFile(tmp, "s", ".zip");
  try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(z))) {
    for (var e : entries.entrySet()) {
      ZipEntry entry = new ZipEntry(e.getKey());
      if (stored) {
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(e.getValue().length);
        entry.setCrc(crc.getValue());
      }
      out.putNextEntry(entry);
      out.write(e.getValue());
      out.closeEntry();
    }
  }
  return Files.readAllBytes(z);
}
byte[] weight = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).array();
Map<String, byte[]> valid = new LinkedHashMap<>();
valid.put("model/model.onnx", OnnxModels.withExternalData("data/weights.bin"));
valid.put("model/data/weights.bin", weight);
byte[] validZip = zip(valid, false);
seed(archive, "valid", validZip);
seed(archive, "valid-stored", zip(valid, true));
seed(archive, "model-only", zip(Map.of("m.onnx", mlp), true));
seed(archive, "missing-data", zip(Map.of("m.onnx", OnnxModels.withExternalData("w.bin")), true));
seed(archive, "traversal-name", zip(Map.of("../evil.onnx", mlp), true));
seed(archive, "marker-name", zip(Map.of("*/_ORT_MEM_ADDR_/*", weight, "m.onnx", mlp), true));
seed(archive, "two-models", zip(Map.of("a.onnx", mlp, "b.onnx", mlp), true));
seed(archive, "truncated-half", cut(validZip, validZip.length / 2));
byte[] shortEntry = validZip.clone();
int central = -1;
for (int i = shortEntry.length - 4; i >= 0; i--) {
  if (shortEntry[i] == 'P' && shortEntry[i + 1] == 'K' && shortEntry[i + 2] == 1 && shortEntry[i + 3] == 2) { central = i; break; }
}
ByteBuffer.wrap(shortEntry, central + 20, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(2);
seed(archive, "entry-cut-short", shortEntry);
/exit
