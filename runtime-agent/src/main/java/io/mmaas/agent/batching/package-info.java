/**
 * How requests reach a loaded replica: {@link io.mmaas.agent.batching.InferenceQueue} is a bounded per-replica queue
 * drained by runners on the shared inference pool; a full queue refuses at once
 * ({@link io.mmaas.agent.batching.QueueFullException}) rather than adding latency. When a replica's options turn
 * dynamic batching on, runners concatenate compatible requests ({@link io.mmaas.agent.batching.BatchTensors}), run
 * them once and split the outputs back.
 */
package io.mmaas.agent.batching;
