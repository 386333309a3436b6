/**
 * The agent's side of the control plane's agent API: enrollment (once, persisted in {@code DATA_DIR/agent.json}),
 * the heartbeat loop that reports observed state and feeds the returned desired state to the reconciler, the JSON
 * of that contract, the host capabilities the agent advertises, and the serving key ring that takes rotated serving
 * keys from heartbeat answers to the agent's model hosts.
 */
package io.mmaas.agent.controlplane;
