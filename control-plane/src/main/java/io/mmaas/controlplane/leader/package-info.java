/**
 * Leadership of the singleton work (placement and agent leases, audit checkpoints, blob collection): a lease row in
 * PostgreSQL judged by the database's clock, renewed by its holder, whose epoch is the fencing token that every
 * leader-only write checks in its own transaction. See {@code docs/architecture.md} ("One leader, fenced").
 */
package io.mmaas.controlplane.leader;
