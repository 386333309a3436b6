/**
 * Runtime agents as the control plane sees them: enrollment tokens, enrollment, heartbeats (lease renewal, observed
 * replica state in, desired state and generation out), artifact downloads, and the fleet view.
 */
package io.mmaas.controlplane.agents;
