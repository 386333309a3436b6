package io.mmaas.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.onnx.ModelArchive;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The agent unpacks archives within the limits the control plane accepted them under")
class ArchiveUnpackerLimitsTest {
  @Test
  @DisplayName("10,000 entries and MMAAS_MAX_MODEL_BYTES (2 GiB unless set) per entry and in all, as at upload")
  void sameLimitsAsUpload() {
    long max = System.getenv("MMAAS_MAX_MODEL_BYTES") == null ? 2L << 30 : ArchiveUnpacker.maxModelBytes();
    // RegistryService extracts uploads with new ModelArchive.Limits(10_000, maxModelBytes, maxModelBytes)
    assertThat(ArchiveUnpacker.LIMITS).isEqualTo(new ModelArchive.Limits(10_000, max, max));
  }
}
