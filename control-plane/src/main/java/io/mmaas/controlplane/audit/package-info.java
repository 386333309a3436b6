/**
 * The audit log: the writer that appends hash-chained events in the caller's transaction, the denial summariser,
 * signed checkpoints of the chain head, filtered reading, streamed export, and verification (in the control plane
 * and offline). See {@code docs/audit.md}.
 */
package io.mmaas.controlplane.audit;
