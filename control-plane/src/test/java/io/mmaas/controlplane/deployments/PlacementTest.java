package io.mmaas.controlplane.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Placement matches capabilities, fits memory, spreads replicas and prefers cached artifacts")
class PlacementTest {
  static final long GIB = 1L << 30;
  static final UUID DEPLOYMENT = UUID.randomUUID();

  static Placement.AgentView cpu(String name, long memory, Placement.Placed... placed) {
    return new Placement.AgentView(id(name), name, Set.of("CPU"), memory, 0, List.of(placed));
  }

  static Placement.AgentView gpu(String name, long hostMemory, long gpuMemory, Placement.Placed... placed) {
    return new Placement.AgentView(id(name), name, Set.of("CUDA", "CPU"), hostMemory, gpuMemory, List.of(placed));
  }

  static UUID id(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes());
  }

  @Test
  @DisplayName("a deployment asking for CUDA is not placed on CPU-only agents, and says why")
  void capabilityMismatch() {
    var d = Placement.choose(new Placement.Request(DEPLOYMENT, "a", GIB, "cuda"), List.of(cpu("c1", 64 * GIB)));
    assertThat(d.agentId()).isNull();
    assertThat(d.reason()).isEqualTo("no agent with CUDA");
    var ok = Placement.choose(new Placement.Request(DEPLOYMENT, "a", GIB, "cuda"),
        List.of(cpu("c1", 64 * GIB), gpu("g1", 64 * GIB, 16 * GIB)));
    assertThat(ok.agentId()).isEqualTo(id("g1"));
    assertThat(ok.gpu()).isTrue();
  }

  @Test
  @DisplayName("a replica that fits nowhere stays pending with the memory it needs in the reason")
  void memoryExhaustion() {
    var full = gpu("g1", 64 * GIB, 8 * GIB, new Placement.Placed(UUID.randomUUID(), "x", 4 * GIB, true));
    var d = Placement.choose(new Placement.Request(DEPLOYMENT, "a", 6 * GIB, "cuda"), List.of(full));
    assertThat(d.agentId()).isNull();
    assertThat(d.reason()).isEqualTo("no agent with CUDA and 6.0 GiB GPU memory free");
    var cpuFull = Placement.choose(new Placement.Request(DEPLOYMENT, "a", 3 * GIB, "cpu"),
        List.of(cpu("c1", 2 * GIB)));
    assertThat(cpuFull.reason()).isEqualTo("no agent with 3.0 GiB memory free");
    var fits = Placement.choose(new Placement.Request(DEPLOYMENT, "a", 3 * GIB, "cuda"), List.of(full));
    assertThat(fits.agentId()).isEqualTo(id("g1"));
  }

  @Test
  @DisplayName("replicas of one deployment go to different agents while there are any, then share")
  void spreading() {
    var a = cpu("a", 64 * GIB, new Placement.Placed(DEPLOYMENT, "s", GIB, false));
    var b = cpu("b", 8 * GIB);
    var d = Placement.choose(new Placement.Request(DEPLOYMENT, "s", GIB, "auto"), List.of(a, b));
    assertThat(d.agentId()).as("b has less free memory but does not run this deployment yet").isEqualTo(id("b"));
    var onlyA = Placement.choose(new Placement.Request(DEPLOYMENT, "s", GIB, "auto"), List.of(a));
    assertThat(onlyA.agentId()).as("spreading is a preference, not a rule").isEqualTo(id("a"));
  }

  @Test
  @DisplayName("an agent that already holds the artifact is preferred; otherwise the one with most free memory")
  void cachedArtifactThenFreeMemory() {
    var holder = cpu("holder", 16 * GIB, new Placement.Placed(UUID.randomUUID(), "sha-x", 4 * GIB, false));
    var roomy = cpu("roomy", 64 * GIB);
    assertThat(Placement.choose(new Placement.Request(DEPLOYMENT, "sha-x", GIB, "auto"), List.of(roomy, holder))
        .agentId()).isEqualTo(id("holder"));
    assertThat(Placement.choose(new Placement.Request(DEPLOYMENT, "sha-y", GIB, "auto"), List.of(holder, roomy))
        .agentId()).isEqualTo(id("roomy"));
    assertThat(Placement.choose(new Placement.Request(DEPLOYMENT, "sha-y", GIB, "auto"), List.of()).reason())
        .isEqualTo("no live agent available");
  }
}
