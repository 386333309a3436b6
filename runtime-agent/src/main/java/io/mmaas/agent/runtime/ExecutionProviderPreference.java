package io.mmaas.agent.runtime;

import java.util.Locale;

/** Which execution provider the operator asked for: AUTO uses CUDA when it works and CPU otherwise. */
public enum ExecutionProviderPreference {
  AUTO,
  CPU,
  CUDA;

  /** Parses {@code auto|cpu|cuda} in any case. */
  public static ExecutionProviderPreference parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be one of auto, cpu, cuda", e);
    }
  }
}
