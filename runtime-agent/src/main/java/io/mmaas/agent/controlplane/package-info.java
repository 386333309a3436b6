/**
 * The agent's side of the control plane's agent API: enrollment (once, persisted in {@code DATA_DIR/agent.json}),
 * the heartbeat loop that reports observed state and feeds the returned desired state to the reconciler, the JSON
 * of that contract, and the host capabilities the agent advertises.
 */
package io.mmaas.agent.controlplane;
