/**
 * The audit benchmark (issue #8): millions of chained events seeded fast, filtered pages, a streamed export and its
 * offline verification, measured through the packaged control plane.
 */
package io.mmaas.bench.audit;
