/**
 * Model sync: the {@link io.mmaas.agent.sync.Reconciler} drives the local model set toward the desired state the
 * control plane returns (download, verify, load, unload), controller-style and level-triggered, and records what
 * it observes per replica in the {@link io.mmaas.agent.sync.ReplicaTable}, which heartbeats report and the serving
 * API reads.
 */
package io.mmaas.agent.sync;
