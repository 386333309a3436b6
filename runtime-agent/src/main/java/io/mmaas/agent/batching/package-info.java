/**
 * Dynamic batching: {@link io.mmaas.agent.batching.DynamicBatcher} gathers concurrent requests to one replica whose
 * first dimension is dynamic, concatenates them ({@link io.mmaas.agent.batching.BatchTensors}), runs them once and
 * splits the outputs back, trading a bounded queue delay for fewer, larger runs. Its queue is bounded: a full queue
 * refuses at once ({@link io.mmaas.agent.batching.QueueFullException}) rather than adding latency.
 */
package io.mmaas.agent.batching;
