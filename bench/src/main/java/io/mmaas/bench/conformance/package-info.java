/** The conformance report: ONNX's backend test models in-process and served through the platform. */
package io.mmaas.bench.conformance;
