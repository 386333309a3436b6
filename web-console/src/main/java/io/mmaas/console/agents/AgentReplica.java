package io.mmaas.console.agents;

/** A replica placed on an agent, found through the tenant's deployments. */
public record AgentReplica(String tenant, String model, long version, String state, String reason, long memoryBytes) {}
