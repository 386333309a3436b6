/**
 * The data plane: Open Inference Protocol for applications. API keys are checked from a cache kept fresh by
 * PostgreSQL notifications, requests are admitted by the limiter (rates, concurrency, daily budget) and metered in
 * batches, and inference is proxied to READY replicas chosen by version weight from the in-memory routing table.
 */
package io.mmaas.controlplane.gateway;
