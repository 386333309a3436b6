/**
 * Start-up and wiring: {@link io.mmaas.agent.app.Main} reads the {@link io.mmaas.agent.app.AgentConfig} from the
 * environment and deploys the {@link io.mmaas.agent.app.AgentVerticle}, which wires runtime, serving API,
 * enrollment, artifact cache, reconciler and heartbeat.
 */
package io.mmaas.agent.app;
