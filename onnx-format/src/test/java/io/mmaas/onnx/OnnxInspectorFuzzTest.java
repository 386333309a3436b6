package io.mmaas.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;

/**
 * Fuzz target: the streaming ONNX inspector and its external-data location checks. Contract: any bytes give a
 * signature or {@link InvalidModelException} (the upload's 400), never another exception, a hang or an
 * out-of-memory error; reading from a file and from memory agree; every location in an accepted signature is a
 * {@link SafeLocation} that stays inside the model's folder. An input starting with {@code L} is a location instead:
 * the rest (UTF-8) becomes the external-data location of a small valid model, which must be accepted exactly when
 * {@link SafeLocation#isSafe} says so.
 *
 * <p>Seeds (valid and near-valid models, locations) replay in every test run; {@code JAZZER_FUZZ=1} fuzzes
 * ({@code bench/fuzz.sh}).
 */
@DisplayName("Fuzzing: the ONNX inspector answers any bytes with a signature or InvalidModelException")
class OnnxInspectorFuzzTest {
  private static final Path ROOT = Path.of("/models/m1");
  private static Path scratch;

  @FuzzTest(maxDuration = "10m")
  void inspect(byte[] input) throws IOException {
    if (input.length > 0 && input[0] == 'L') {
      checkLocation(new String(input, 1, input.length - 1, StandardCharsets.UTF_8));
      return;
    }
    Outcome fromMemory = Outcome.of(() -> OnnxInspector.inspect(input));
    Path file = scratch().resolve("model.onnx");
    Files.write(file, input);
    Outcome fromFile = Outcome.of(() -> OnnxInspector.inspect(file));
    assertThat(fromFile).as("file and memory reads agree").isEqualTo(fromMemory);
    if (fromMemory.signature() != null) {
      ModelSignature s = fromMemory.signature();
      assertThat(s.inputs()).isNotEmpty();
      assertThat(s.outputs()).isNotEmpty();
      assertThat(s.irVersion()).isBetween(OnnxInspector.MIN_IR_VERSION, OnnxInspector.MAX_IR_VERSION);
      s.externalDataLocations().forEach(OnnxInspectorFuzzTest::assertContained);
    }
  }

  private static void checkLocation(String location) {
    Outcome outcome = Outcome.of(() -> OnnxInspector.inspect(OnnxModels.withExternalData(location)));
    assertThat(outcome.signature() != null).as("accepted exactly when safe: '%s'", location)
        .isEqualTo(SafeLocation.isSafe(location));
    if (outcome.signature() != null) {
      assertThat(outcome.signature().externalDataLocations()).containsExactly(location);
      assertContained(location);
    }
  }

  /** What a safe location must mean for a runtime that opens it relative to the model's folder. */
  private static void assertContained(String location) {
    assertThat(SafeLocation.isSafe(location)).as(location).isTrue();
    assertThat(ROOT.resolve(location).normalize().startsWith(ROOT)).as(location).isTrue();
    assertThat(Path.of(location).isAbsolute()).as(location).isFalse();
    assertThat(Arrays.asList(location.split("/", -1))).as(location).doesNotContain("..", ".", "");
    assertThat(location).as(location).doesNotContain("*", "\\", ":", "\0");
  }

  private static Path scratch() throws IOException {
    if (scratch == null) {
      scratch = Files.createTempDirectory("onnx-inspector-fuzz");
      scratch.toFile().deleteOnExit();
      scratch.resolve("model.onnx").toFile().deleteOnExit();
    }
    return scratch;
  }

  /** A signature, or the refusal's message; anything else thrown escapes and is a finding. */
  private record Outcome(ModelSignature signature, String refusal) {
    interface Inspection {
      ModelSignature run() throws InvalidModelException, IOException;
    }

    static Outcome of(Inspection inspection) {
      try {
        return new Outcome(inspection.run(), null);
      } catch (InvalidModelException e) {
        assertThat(e.getMessage()).isNotBlank();
        return new Outcome(null, e.getMessage());
      } catch (IOException e) {
        throw new AssertionError("I/O failure reading a local file", e);
      }
    }
  }
}
