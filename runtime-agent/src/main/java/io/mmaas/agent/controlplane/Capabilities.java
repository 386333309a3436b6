package io.mmaas.agent.controlplane;

import java.util.List;

/**
 * What this node offers, as advertised at enrollment and in every heartbeat.
 *
 * @param executionProviders best first: ["CUDA", "CPU"] or ["CPU"]
 * @param gpus empty on a node without a GPU
 */
public record Capabilities(List<String> executionProviders, int cpus, long hostMemoryBytes, List<Gpu> gpus) {
  public Capabilities {
    executionProviders = List.copyOf(executionProviders);
    gpus = List.copyOf(gpus);
  }

  /** One GPU device. */
  public record Gpu(String name, long memoryBytes) {}
}
