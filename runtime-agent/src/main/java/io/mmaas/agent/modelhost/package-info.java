/**
 * The model host: a child process of the agent that owns ONNX Runtime sessions and serves the Open Inference Protocol
 * for its replicas straight to the gateway. {@link io.mmaas.agent.modelhost.ModelHostMain} is its entry point;
 * {@link io.mmaas.agent.modelhost.HostProtocol} is the one local protocol between the agent (the supervisor, in
 * {@code hosts/}) and a host; {@link io.mmaas.agent.modelhost.FlightRecorder} is the shared file that tells the agent
 * which replica was running when a host died.
 */
package io.mmaas.agent.modelhost;
