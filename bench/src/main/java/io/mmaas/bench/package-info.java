/**
 * Benchmarks of the runtime agent: in-process ONNX Runtime calls against the same model served by the real agent
 * code over HTTP, driven by a closed-loop Vert.x load generator and measured with HdrHistogram. Run by hand (see
 * bench/README.md), never as part of the test suite.
 */
package io.mmaas.bench;
