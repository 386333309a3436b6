package io.mmaas.agent.sync;

import io.mmaas.onnx.InvalidModelException;
import io.mmaas.onnx.ModelArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Unpacks a verified model archive (a zip of one .onnx file and its external data) into a folder of its own next to
 * the cached artifact, once: a marker file records a complete extraction, so a restart reuses it and a crash
 * half-way is redone. Extraction is {@link ModelArchive}'s: no path escapes the folder, sizes are bounded.
 */
final class ArchiveUnpacker {
  private static final String DONE = ".extracted";
  /**
   * The control plane's upload limits (10,000 entries, {@code MMAAS_MAX_MODEL_BYTES} per entry and in all, 2 GiB by
   * default): nothing the registry accepted is refused here, and nothing larger is written to the node's disk.
   */
  static final ModelArchive.Limits LIMITS = new ModelArchive.Limits(10_000, maxModelBytes(), maxModelBytes());

  private ArchiveUnpacker() {
  }

  /** {@code MMAAS_MAX_MODEL_BYTES} as the control plane reads it (set it alike on both when it is raised). */
  static long maxModelBytes() {
    String v = System.getenv("MMAAS_MAX_MODEL_BYTES");
    try {
      return v == null || v.isBlank() ? 2L << 30 : Math.max(1024, Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      return 2L << 30;
    }
  }

  /** The model file inside the unpacked archive. Blocking: call on a worker. */
  static Path unpack(Path archive) throws IOException, InvalidModelException {
    Path dir = archive.resolveSibling(archive.getFileName() + ".d");
    if (Files.exists(dir.resolve(DONE))) {
      try (Stream<Path> files = Files.walk(dir)) {
        return files.filter(p -> p.toString().endsWith(".onnx")).findFirst()
            .orElseThrow(() -> new InvalidModelException("unpacked archive has no .onnx file"));
      }
    }
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Path model = ModelArchive.extract(archive, dir, LIMITS).model();
    Files.createFile(dir.resolve(DONE));
    return model;
  }
}
