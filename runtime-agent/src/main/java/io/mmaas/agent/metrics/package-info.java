/**
 * Serving metrics in the Prometheus text exposition format: per model and version (names from the desired state,
 * never tenant secrets), request counts by status, errors, latency and queue-time histograms and batch sizes.
 * Kept dependency-free and lock-free (adders), so recording costs a few nanoseconds on the hot path.
 */
package io.mmaas.agent.metrics;
