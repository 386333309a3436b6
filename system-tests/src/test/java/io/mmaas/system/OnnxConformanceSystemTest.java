package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.conformance.Conformance;
import io.mmaas.conformance.Conformance.Outcome;
import io.mmaas.conformance.Conformance.Result;
import io.mmaas.conformance.ServedRun;
import io.mmaas.controlplane.testing.SystemPackages;
import io.mmaas.onnx.OnnxTestCase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Real processes (control plane, agent, model hosts, PostgreSQL) and ONNX's own backend test models (Debian
 * libonnx-testdata): a fixed subset — integer Div and Mod (whose warm-up on zeros crashes ONNX Runtime), models whose
 * inputs are shapes, indices or sizes, every tensor type that needs the binary extension to cross exactly — runs
 * in-process with the agent's ONNX Runtime classes and then through the gateway, with the same code as the
 * {@code conformance} benchmark, which runs them all.
 */
@DisplayName("System: ONNX's backend test models are served as ONNX Runtime answers them in-process")
class OnnxConformanceSystemTest {
  /** Chosen to cover what went wrong before model hosts and what needs exact tensor transport. */
  static final List<String> CASES = List.of(
      // integer division: SIGFPE on the host's zero warm-up
      "test_div_uint8", "test_mod_mixed_sign_int32", "test_mod_uint64",
      // shapes, indices, sizes and axes as inputs: an all-zeros warm-up is invalid for them
      "test_reshape_negative_dim", "test_reshape_reordered_all_dims", "test_reshape_allowzero_reordered",
      "test_expand_dim_changed", "test_expand_dim_unchanged",
      "test_slice", "test_slice_neg_steps", "test_slice_default_axes",
      "test_resize_upsample_scales_nearest", "test_resize_downsample_sizes_linear_pytorch_half_pixel",
      "test_onehot_with_axis", "test_onehot_without_axis",
      "test_range_float_type_positive_delta", "test_range_int32_type_negative_delta",
      "test_split_equal_parts_1d", "test_split_variable_parts_2d",
      "test_unsqueeze_axis_0", "test_unsqueeze_negative_axes",
      // UINT32, UINT64, BF16, FP16, BOOL, strings
      "test_max_uint32", "test_min_uint64", "test_bitshift_left_uint32", "test_bitshift_right_uint64",
      // (test_cast_FLOAT_to_BFLOAT16 is out: ONNX Runtime rounds where ONNX 1.12's expected output truncates)
      "test_cast_BFLOAT16_to_FLOAT",
      "test_cast_FLOAT_to_FLOAT16", "test_cast_FLOAT16_to_DOUBLE", "test_max_float16",
      "test_and2d", "test_not_2d", "test_equal_bcast",
      "test_cast_STRING_to_FLOAT", "test_tfidfvectorizer_tf_uniandbigrams_skip5",
      // ordinary ones
      "test_add_bcast", "test_matmul_2d", "test_conv_with_strides_padding", "test_relu", "test_softmax_axis_0",
      "test_gemm_default_no_bias", "test_maxpool_2d_strides");

  static SystemFixture sys;

  @BeforeAll
  static void startSystem() throws Exception {
    Path node = OnnxTestCase.DEBIAN_NODE_TESTS;
    SystemPackages.require("libonnx-testdata", node);
    assertThat(Files.isDirectory(node))
        .as(node + " is missing: install Debian's ONNX backend test data (apt-get install -y libonnx-testdata)")
        .isTrue();
    sys = SystemFixture.start("conformance", Map.of());
    sys.startAgent("conformance-agent");
    sys.await("agent enrolled", () -> sys.get("/api/v1/agents").getJsonArray("items").size() == 1,
        Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopSystem() throws Exception {
    if (sys != null) {
      sys.close();
    }
  }

  @Test
  @DisplayName("every case of the subset that ONNX Runtime answers correctly in-process is answered correctly "
      + "through the gateway and agent")
  void subsetIsServedCorrectly() throws Exception {
    List<Path> dirs = new ArrayList<>();
    for (String name : CASES) {
      Path dir = OnnxTestCase.DEBIAN_NODE_TESTS.resolve(name);
      assertThat(dir.resolve("model.onnx")).as("libonnx-testdata lacks " + name).isRegularFile();
      dirs.add(dir);
    }
    ServedRun served = new ServedRun(new ServedRun.Access(sys.http, sys.adminUrl, sys.admin, sys.gatewayUrl),
        Duration.ofSeconds(90), line -> System.out.println("[conformance] " + line));
    long started = System.nanoTime();
    List<Result> results = Conformance.run(dirs, served, 60, line -> System.out.println("[conformance] " + line));
    System.out.printf("[figure] %d cases through the platform in %d ms%n", results.size(),
        (System.nanoTime() - started) / 1_000_000);

    List<Result> notServed = results.stream().filter(r -> r.outcome() == Outcome.NOT_SERVED).toList();
    assertThat(notServed).as("in scope but not served correctly").isEmpty();
    // the subset is chosen so that ONNX Runtime answers all of it: a case that drops out would hollow the test
    assertThat(results.stream().filter(r -> r.outcome() != Outcome.SERVED_CORRECTLY).toList())
        .as("cases ONNX Runtime itself no longer answers correctly in-process (pick others)").isEmpty();
  }
}
