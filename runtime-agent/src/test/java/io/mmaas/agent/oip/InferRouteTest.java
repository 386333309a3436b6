package io.mmaas.agent.oip;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The infer route's path parsing")
class InferRouteTest {
  @Test
  @DisplayName("plain infer paths give the replica and the version")
  void plainPaths() {
    assertThat(InferRoute.parse("/v2/models/r-1/infer")).containsExactly("r-1", null);
    assertThat(InferRoute.parse("/v2/models/r-1/versions/7/infer")).containsExactly("r-1", "7");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "/v2/models/infer", "/v2/models//infer", "/v2/models/r/versions//infer", "/v2/models/r/versions/7/x/infer",
    "/v2/models/r/other/7/infer", "/v2/models/r/infer/", "/v2/models/r", "/v2/models/r%2F1/infer",
    "/v2/models/a/../r/infer", "/v2/models/./infer", "/v1/models/r/infer", "/v2/models/r/ready", ""})
  @DisplayName("anything else is left to the router")
  void otherPaths(String path) {
    assertThat(InferRoute.parse(path)).isNull();
  }
}
