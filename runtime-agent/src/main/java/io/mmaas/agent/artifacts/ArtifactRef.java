package io.mmaas.agent.artifacts;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to fetch: the content hash (which is also the cache file name), the expected size, and the path of the
 * artifact on the control plane's agent API.
 *
 * @param sha256 64 lower-case hex digits
 * @param sizeBytes the exact size; 0 when the control plane did not say
 * @param path an absolute path on the control plane, e.g. {@code /agent/v1/artifacts/<sha256>}
 * @param archive true when the artifact is a zip of one .onnx file and its external data (format onnx-archive)
 */
public record ArtifactRef(String sha256, long sizeBytes, String path, boolean archive) {
  public ArtifactRef(String sha256, long sizeBytes, String path) {
    this(sha256, sizeBytes, path, false);
  }

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** Canonical constructor: validates the hash and the path. */
  public ArtifactRef {
    sha256 = Objects.requireNonNull(sha256, "sha256").toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 hex digits, got '" + sha256 + "'");
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("sizeBytes must not be negative, got " + sizeBytes);
    }
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/") || path.startsWith("//") || path.contains("\\")) {
      throw new IllegalArgumentException("artifactUrl must be a path on the control plane, got '" + path + "'");
    }
  }
}
