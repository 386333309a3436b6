package io.mmaas.agent.oip;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;

/** The shared streaming JSON factory of the OIP codec (thread-safe). */
final class JsonSupport {
  /** Tensors are shallow; deeper nesting is an attack or a mistake. */
  static final int MAX_DEPTH = 64;

  /**
   * Numbers are most of a tensor body: the fast (Schubfach / FastDoubleParser) float writer and parser are several
   * times quicker than {@code Float.toString}/{@code Float.parseFloat} and round-trip exactly the same values.
   */
  static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxStringLength(Integer.MAX_VALUE) // the body limit already bounds every string
          .build())
      .build();

  private JsonSupport() {}
}
