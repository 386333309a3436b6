/**
 * The benchmarks' entry point ({@link io.mmaas.bench.BenchMain}) and the runtime agent benchmark: in-process ONNX
 * Runtime calls against the same model served by the real agent code over HTTP, driven by a closed-loop Vert.x load
 * generator and measured with HdrHistogram. The quotas and audit benchmarks live in their own packages; all are run
 * by hand (see bench/README.md), never as part of the test suite.
 */
package io.mmaas.bench;
