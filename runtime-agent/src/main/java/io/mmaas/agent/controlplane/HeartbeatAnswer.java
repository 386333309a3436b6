package io.mmaas.agent.controlplane;

import io.mmaas.agent.sync.DesiredState;

/** The control plane's answer to a heartbeat: the desired state, and the serving key offer (null: none sent). */
public record HeartbeatAnswer(DesiredState desired, ServingKeyOffer servingKey) {
}
