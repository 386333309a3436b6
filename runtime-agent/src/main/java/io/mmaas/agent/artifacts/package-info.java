/**
 * Model artifacts by content hash: {@link io.mmaas.agent.artifacts.ArtifactStore} keeps verified files under
 * {@code DATA_DIR/artifacts/<sha256>.onnx}, and {@link io.mmaas.agent.artifacts.ArtifactDownloader} streams them
 * from the control plane to a {@code .partial} file while hashing. A file is used only after its SHA-256 and size
 * match what the desired state names.
 */
package io.mmaas.agent.artifacts;
