package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target: the model archive reader (a zip holding one {@code .onnx} file and its external data). Contract: any
 * bytes either extract into the target folder with a valid signature or fail with {@link InvalidModelException}
 * (the upload's 400) — never an {@link IOException} from reading the archive (a 500), another exception, a hang or
 * an out-of-memory error — and nothing is ever written outside the target folder nor as a link.
 *
 * <p>Seeds (valid archives, near-valid ones: truncated, unsafe names, missing data) replay in every test run;
 * {@code JAZZER_FUZZ=1} fuzzes ({@code bench/fuzz.sh}).
 */
@DisplayName("Fuzzing: the model archive reader extracts safely or refuses with InvalidModelException")
class ModelArchiveFuzzTest {
  private static final ModelArchive.Limits LIMITS = new ModelArchive.Limits(100, 1 << 20, 4 << 20);
  private static Path scratch;

  @FuzzTest(maxDuration = "10m")
  void extract(byte[] input) throws IOException {
    Path dir = scratch();
    Path zip = dir.resolve("upload.zip");
    Path out = dir.resolve("out");
    deleteTree(out);
    Files.write(zip, input);
    try {
      ModelArchive.Extracted extracted = ModelArchive.extract(zip, out, LIMITS);
      assertThat(extracted.model().startsWith(out.toRealPath())).isTrue();
      assertThat(extracted.model().getFileName().toString()).endsWith(".onnx");
      assertThat(extracted.signature().inputs()).isNotEmpty();
    } catch (InvalidModelException e) {
      assertThat(e.getMessage()).isNotBlank();
    } finally {
      try (Stream<Path> left = Files.list(dir)) {
        assertThat(left.map(p -> p.getFileName().toString()).sorted().toList())
            .as("nothing written next to the target folder").isSubsetOf(List.of("out", "upload.zip"));
      }
      if (Files.exists(out)) {
        try (Stream<Path> written = Files.walk(out)) {
          written.forEach(p -> assertThat(Files.isSymbolicLink(p)).as("%s is a link", p).isFalse());
        }
      }
      deleteTree(out);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static Path scratch() throws IOException {
    if (scratch == null) {
      scratch = Files.createTempDirectory("model-archive-fuzz");
      Path dir = scratch;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          deleteTree(dir);
        } catch (IOException e) {
          // a temp folder left behind
        }
      }));
    }
    return scratch;
  }
}
