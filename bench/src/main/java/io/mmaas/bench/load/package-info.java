/**
 * Load generators for the system benchmarks: closed-loop clients over several targets at once and an open-loop
 * paced sender, counting answers by status, with HdrHistogram latencies and a per-second count of successes.
 */
package io.mmaas.bench.load;
