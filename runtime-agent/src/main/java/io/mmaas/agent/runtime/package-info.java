/**
 * The model runtime seam: {@link io.mmaas.agent.runtime.ModelRuntime} loads ONNX files into sessions, runs them
 * and unloads them; {@link io.mmaas.agent.runtime.OrtModelRuntime} implements it over ONNX Runtime (CUDA or CPU).
 * Tensors cross the seam as {@link io.mmaas.agent.runtime.Tensor} values backed by direct buffers, so codecs (JSON
 * now, the binary extension later) never see ONNX Runtime types. Every method here blocks: callers run them on
 * worker pools, never on an event loop.
 */
package io.mmaas.agent.runtime;
