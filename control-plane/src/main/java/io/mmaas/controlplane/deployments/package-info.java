/**
 * Deployments and placement: versions with traffic weights and replica counts, rollout/promote/rollback, and
 * the scheduler that places replicas on agents by capability and memory and moves them when an agent is lost.
 */
package io.mmaas.controlplane.deployments;
