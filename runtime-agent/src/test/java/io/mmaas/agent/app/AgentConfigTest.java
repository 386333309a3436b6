package io.mmaas.agent.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mmaas.agent.runtime.ExecutionProviderPreference;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("AgentConfig")
class AgentConfigTest {

  @Test
  @DisplayName("defaults give a single-machine agent")
  void defaults() throws ConfigException {
    AgentConfig config = AgentConfig.fromEnv(Map.of());

    assertThat(config.controlPlaneUrl()).isEqualTo("http://127.0.0.1:8082");
    assertThat(config.enrollmentToken()).isNull();
    assertThat(config.name()).isNotBlank();
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.servingUrl(9090)).isEqualTo("http://127.0.0.1:9090");
    assertThat(config.dataDir()).isEqualTo(Path.of("./data/agent"));
    assertThat(config.executionProvider()).isEqualTo(ExecutionProviderPreference.AUTO);
    assertThat(config.maxBodyBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(config.inferThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.effectiveEventLoops()).isEqualTo(Math.min(8, Runtime.getRuntime().availableProcessors()));
    assertThat(config.maxInferMillis()).isEqualTo(25_000);
  }

  @Test
  @DisplayName("values are read from the environment, and an advertised URL overrides HOST:PORT")
  void values() throws ConfigException {
    AgentConfig config = AgentConfig.fromEnv(Map.of(
        "MMAAS_AGENT_MAX_INFER_MS", "2500",
        "MMAAS_AGENT_CONTROL_PLANE_URL", "https://cp.example:8443/",
        "MMAAS_AGENT_ENROLLMENT_TOKEN", "s3cret-token",
        "MMAAS_AGENT_PORT", "0",
        "MMAAS_AGENT_ADVERTISE_URL", "http://node-7.internal:9090",
        "MMAAS_AGENT_EXECUTION_PROVIDER", "CUDA",
        "MMAAS_AGENT_MAX_BODY_BYTES", "8MiB",
        "MMAAS_AGENT_INFER_THREADS", "3",
        "MMAAS_AGENT_EVENT_LOOPS", "5"));

    assertThat(config.controlPlaneUrl()).isEqualTo("https://cp.example:8443");
    assertThat(config.port()).isZero();
    assertThat(config.servingUrl(41234)).isEqualTo("http://node-7.internal:9090");
    assertThat(config.executionProvider()).isEqualTo(ExecutionProviderPreference.CUDA);
    assertThat(config.maxBodyBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(config.inferThreads()).isEqualTo(3);
    assertThat(config.effectiveEventLoops()).isEqualTo(5);
    assertThat(config.maxInferMillis()).isEqualTo(2500);
    assertThat(config.toString()).doesNotContain("s3cret-token").contains("enrollmentToken=****");
  }

  @Test
  @DisplayName("model hosts: isolation, memory ceiling, threads, ports and quarantine are read; hosts are advertised "
      + "on the agent's advertised host")
  void hosts() throws ConfigException {
    AgentConfig config = AgentConfig.fromEnv(Map.of(
        "MMAAS_AGENT_ADVERTISE_URL", "https://node-7.internal:9090",
        "MMAAS_AGENT_ISOLATION", "Deployment",
        "MMAAS_AGENT_HOST_MEMORY_BYTES", "3GiB",
        "MMAAS_AGENT_HOST_THREADS", "4",
        "MMAAS_AGENT_HOST_PORTS", "9100-9199",
        "MMAAS_AGENT_QUARANTINE_CRASHES", "5",
        "MMAAS_AGENT_QUARANTINE_WINDOW_SECONDS", "60"));
    AgentConfig.Hosts hosts = config.hosts();
    assertThat(hosts.isolation()).isEqualTo(io.mmaas.agent.hosts.Isolation.DEPLOYMENT);
    assertThat(hosts.memoryBytes()).isEqualTo(3L << 30);
    assertThat(hosts.threads()).isEqualTo(4);
    assertThat(hosts.ports()).containsExactly(9100, 9199);
    assertThat(hosts.quarantineCrashes()).isEqualTo(5);
    assertThat(hosts.quarantineWindowSeconds()).isEqualTo(60);
    assertThat(config.hostUrl(9123)).isEqualTo("https://node-7.internal:9123");
    assertThat(AgentConfig.fromEnv(Map.of()).hosts().isolation()).isEqualTo(io.mmaas.agent.hosts.Isolation.TENANT);
    assertThat(AgentConfig.fromEnv(Map.of("MMAAS_AGENT_HOST_MEMORY_BYTES", "0")).hosts().memoryBytes()).isZero();
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("MMAAS_AGENT_ISOLATION", "none",
            "MMAAS_AGENT_HOST_PORTS", "9199-9100", "MMAAS_AGENT_HOST_MEMORY_BYTES", "1MiB")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MMAAS_AGENT_ISOLATION='none' must be one of tenant, deployment, shared")
        .hasMessageContaining("MMAAS_AGENT_HOST_PORTS='9199-9100'")
        .hasMessageContaining("MMAAS_AGENT_HOST_MEMORY_BYTES='1MiB' must be at least 16MiB");
  }

  @Test
  @DisplayName("bad values fail with a message naming every bad variable")
  void badValues() {
    assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of(
            "MMAAS_AGENT_PORT", "70000",
            "MMAAS_AGENT_EXECUTION_PROVIDER", "tpu",
            "MMAAS_AGENT_MAX_BODY_BYTES", "lots",
            "MMAAS_AGENT_INFER_THREADS", "0",
            "MMAAS_AGENT_EVENT_LOOPS", "-1",
            "MMAAS_AGENT_MAX_INFER_MS", "5",
            "MMAAS_AGENT_CONTROL_PLANE_URL", "ftp://cp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("MMAAS_AGENT_PORT='70000' must be an integer in 0..65535")
        .hasMessageContaining("MMAAS_AGENT_EXECUTION_PROVIDER='tpu' must be one of auto, cpu, cuda")
        .hasMessageContaining("MMAAS_AGENT_MAX_BODY_BYTES='lots'")
        .hasMessageContaining("MMAAS_AGENT_INFER_THREADS='0'")
        .hasMessageContaining("MMAAS_AGENT_EVENT_LOOPS='-1'")
        .hasMessageContaining("MMAAS_AGENT_MAX_INFER_MS='5'")
        .hasMessageContaining("MMAAS_AGENT_CONTROL_PLANE_URL='ftp://cp' must be an http:// or https:// URL");
  }
}
