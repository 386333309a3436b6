package io.mmaas.agent.controlplane;

import java.util.List;

/**
 * What this node offers, as advertised at enrollment and in every heartbeat.
 *
 * @param executionProviders best first: ["CUDA", "CPU"] or ["CPU"]
 * @param gpus empty on a node without a GPU
 * @param modelHosts how replicas are isolated and limited here, e.g. {"isolation": "TENANT", "limits": "CGROUP_V1,
 *     memory ceiling 512 MiB, …"}; empty before the agent knows
 */
public record Capabilities(List<String> executionProviders, int cpus, long hostMemoryBytes, List<Gpu> gpus,
    java.util.Map<String, String> modelHosts) {
  public Capabilities {
    executionProviders = List.copyOf(executionProviders);
    gpus = List.copyOf(gpus);
    modelHosts = java.util.Map.copyOf(modelHosts);
  }

  public Capabilities(List<String> executionProviders, int cpus, long hostMemoryBytes, List<Gpu> gpus) {
    this(executionProviders, cpus, hostMemoryBytes, gpus, java.util.Map.of());
  }

  /** The same, saying how model hosts are isolated and limited. */
  public Capabilities withModelHosts(String isolation, String limits) {
    return new Capabilities(executionProviders, cpus, hostMemoryBytes, gpus,
        java.util.Map.of("isolation", isolation, "limits", limits));
  }

  /** One GPU device. */
  public record Gpu(String name, long memoryBytes) {}
}
