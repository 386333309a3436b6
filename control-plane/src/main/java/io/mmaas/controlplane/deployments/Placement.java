package io.mmaas.controlplane.deployments;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Where a replica should run: a pure function of the replica's needs and the live agents, so it is tested on its own.
 * An agent qualifies when it has the execution provider the deployment asks for ({@code cuda} needs CUDA; {@code auto}
 * uses CUDA where present, CPU elsewhere) and enough free memory of that kind (GPU memory on CUDA, host memory on
 * CPU). Among those it prefers, in order: the agent running the fewest replicas of this deployment's version, then
 * of this deployment (spreading — a preference, so a deployment still gets its replicas when fewer agents are left),
 * one that already holds the artifact, and the one with the most free memory.
 */
public final class Placement {
  private Placement() {
  }

  /** A replica already placed on an agent. */
  public record Placed(UUID deploymentId, String sha256, long memoryBytes, boolean gpu) {
  }

  /** A live agent as placement sees it (memory 0 means "not reported": not checked). */
  public record AgentView(UUID id, String name, Set<String> providers, long hostMemoryBytes, long gpuMemoryBytes,
                          List<Placed> placed) {
    boolean hasCuda() {
      return providers.stream().anyMatch(p -> p.toUpperCase(Locale.ROOT).contains("CUDA"));
    }

    long free(boolean gpu) {
      long total = gpu ? gpuMemoryBytes : hostMemoryBytes;
      if (total <= 0) {
        return Long.MAX_VALUE;
      }
      return total - placed.stream().filter(p -> p.gpu() == gpu).mapToLong(Placed::memoryBytes).sum();
    }
  }

  /** What a pending replica needs. {@code executionProvider}: auto, cpu or cuda. */
  public record Request(UUID deploymentId, String sha256, long memoryBytes, String executionProvider) {
  }

  /** The chosen agent (and whether the replica will use its GPU), or null with the reason nothing fits. */
  public record Decision(UUID agentId, boolean gpu, String reason) {
  }

  public static Decision choose(Request r, List<AgentView> agents) {
    if (agents.isEmpty()) {
      return new Decision(null, false, "no live agent available");
    }
    String ep = r.executionProvider() == null ? "auto" : r.executionProvider();
    record Option(AgentView agent, boolean gpu, long free) {
    }
    List<Option> fitting = agents.stream()
        .filter(a -> !ep.equals("cuda") || a.hasCuda())
        .map(a -> {
          boolean gpu = !ep.equals("cpu") && a.hasCuda();
          return new Option(a, gpu, a.free(gpu));
        })
        .filter(o -> o.free() >= r.memoryBytes())
        .toList();
    if (fitting.isEmpty()) {
      boolean anyCuda = agents.stream().anyMatch(AgentView::hasCuda);
      if (ep.equals("cuda") && !anyCuda) {
        return new Decision(null, false, "no agent with CUDA");
      }
      String kind = ep.equals("cuda") ? "CUDA and " : "";
      String memory = ep.equals("cuda") ? " GPU memory" : " memory";
      return new Decision(null, false, "no agent with " + kind + gib(r.memoryBytes()) + memory + " free");
    }
    Option best = fitting.stream().min(Comparator
            .comparingLong((Option o) -> o.agent().placed().stream()
                .filter(p -> p.deploymentId().equals(r.deploymentId()) && p.sha256().equals(r.sha256())).count())
            .thenComparingLong(o -> o.agent().placed().stream()
                .filter(p -> p.deploymentId().equals(r.deploymentId())).count())
            .thenComparing(o -> o.agent().placed().stream().noneMatch(p -> p.sha256().equals(r.sha256())))
            .thenComparing(o -> -o.free())
            .thenComparing(o -> o.agent().id()))
        .orElseThrow();
    return new Decision(best.agent().id(), best.gpu(), null);
  }

  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
