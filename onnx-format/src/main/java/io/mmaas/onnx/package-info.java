/**
 * The ONNX file format, without a protobuf library or a runtime: {@link io.mmaas.onnx.OnnxInspector} validates an
 * uploaded model and extracts its {@link io.mmaas.onnx.ModelSignature} while streaming the file with bounded memory
 * (models can be many gigabytes; uploads are untrusted), and {@link io.mmaas.onnx.OnnxModels} writes small models
 * for tests, benchmarks and the demo. The wire-format reader and writer are internal.
 */
package io.mmaas.onnx;
