package io.mmaas.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** `helm lint --strict` on the chart, with Helm's own code. */
class ChartLintTest {
  @Test
  @DisplayName("helm lint --strict finds nothing to warn about")
  void lintStrict() {
    LintResult result = new Helm(Chart.CHART).lint().strict().call();
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).as("lint messages")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }
}
