/**
 * The quotas benchmark (issue #7): rate limits enforced across gateway replicas, resource ceilings under concurrent
 * requests, a noisy neighbour, and the latency and throughput the gateway costs, on real processes.
 */
package io.mmaas.bench.quotas;
