/**
 * ONNX backend conformance: runs the node tests of ONNX's backend test data in-process with the agent's ONNX Runtime
 * classes ({@link io.mmaas.conformance.Reference}) and through a running platform's admin API and gateway
 * ({@link io.mmaas.conformance.ServedRun}), compares answers with the expected tensors ({@link
 * io.mmaas.conformance.TensorMatch}) and sorts every case into one outcome ({@link io.mmaas.conformance.Conformance}).
 * Test support for bench and system-tests, not product code.
 */
package io.mmaas.conformance;
