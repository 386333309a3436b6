package io.mmaas.onnx;

import java.util.Objects;

/**
 * An operator set the model relies on; runtimes refuse models whose opsets they do not implement.
 *
 * @param domain "" means the standard ai.onnx domain
 * @param version the operator set version
 */
public record OpsetImport(String domain, long version) {
  public OpsetImport {
    Objects.requireNonNull(domain, "domain");
  }
}
