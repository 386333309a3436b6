/**
 * The model registry: models, immutable versions (validated ONNX files or archives with external data, stored once
 * by content), aliases with signature-compatibility checks, and the blob store.
 */
package io.mmaas.controlplane.registry;
