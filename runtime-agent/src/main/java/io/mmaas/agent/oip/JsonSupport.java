package io.mmaas.agent.oip;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;

/** The shared streaming JSON factory of the OIP codec (thread-safe). */
final class JsonSupport {
  /** Tensors are shallow; deeper nesting is an attack or a mistake. */
  static final int MAX_DEPTH = 64;

  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(Integer.MAX_VALUE) // the body limit already bounds every string
          .build())
      .build();

  private JsonSupport() {}
}
