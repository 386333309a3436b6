package io.mmaas.bench.system;

import io.mmaas.controlplane.agents.AgentSecrets;
import io.mmaas.controlplane.audit.AuditSigningKey;
import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A whole system on real processes for one benchmark: a fresh migrated PostgreSQL database, one or more packaged
 * control planes sharing it (same secrets and audit signing key, as replicas must), and packaged runtime agents
 * enrolled with the first one. Closing stops every process and drops the database.
 */
public final class Platform implements AutoCloseable {
  /** Where the processes' output goes. */
  public static final Path PROCESS_LOGS = JavaProcess.repoRoot().resolve("bench/target/process-logs");
  public static final String ADMIN_PASSWORD = "bench-admin-password-0123";
  private static final String SERVING_SECRET = "bench-agent-serving-secret-0123456789abcdef";

  public final TestDatabase db;
  public final AuditSigningKey auditKey = AuditSigningKey.generate();
  public final List<ControlPlaneProcess> controlPlanes = new ArrayList<>();
  public final List<JavaProcess> agents = new ArrayList<>();
  public final Vertx vertx = Vertx.vertx();
  private final Path data;
  private AdminApi admin;

  private Platform(TestDatabase db, Path data) {
    this.db = db;
    this.data = data;
  }

  /** A fresh database; no process yet. */
  public static Platform create() throws Exception {
    return new Platform(TestDatabase.create(), Files.createTempDirectory("mmaas-bench-"));
  }

  /**
   * Settings for the started processes from this benchmark's environment, so a run can try a deployment's tuning
   * without a rebuild: {@code MMAAS_BENCH_CP_<X>} is passed to every control plane as {@code MMAAS_<X>}, and
   * {@code MMAAS_BENCH_AGENT_<X>} to every agent (e.g. {@code MMAAS_BENCH_CP_GATEWAY_EVENT_LOOPS=1}). Reports list
   * them.
   */
  public static Map<String, String> tuning(String role) {
    String prefix = "MMAAS_BENCH_" + role + "_";
    Map<String, String> picked = new java.util.TreeMap<>();
    System.getenv().forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        picked.put("MMAAS_" + k.substring(prefix.length()), v);
      }
    });
    return picked;
  }

  /** Starts one more control-plane replica with the shared settings plus {@code overrides}. */
  public ControlPlaneProcess startControlPlane(String name, Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MMAAS_DATABASE_URL", db.url());
    env.put("MMAAS_ADMIN_PORT", "0");
    env.put("MMAAS_GATEWAY_PORT", "0");
    env.put("MMAAS_AGENT_API_PORT", "0");
    env.put("MMAAS_JWT_SECRET", "bench-jwt-secret-0123456789abcdef0123456789");
    env.put("MMAAS_AGENT_SERVING_SECRET", SERVING_SECRET);
    env.put("MMAAS_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("MMAAS_DATA_DIR", data.resolve(name).toString());
    env.put("MMAAS_SCHEDULER_INTERVAL_MS", "250");
    env.put("MMAAS_AUDIT_SIGNING_KEY", auditKey.pkcs8Base64());
    env.putAll(tuning("CP"));
    env.putAll(overrides);
    ControlPlaneProcess cp = ControlPlaneProcess.start(name, env);
    controlPlanes.add(cp);
    return cp;
  }

  /** The platform admin, signed in on the first control plane. */
  public AdminApi admin() {
    if (admin == null) {
      admin = AdminApi.signIn(vertx, controlPlanes.get(0).adminUrl(), "admin", ADMIN_PASSWORD);
    }
    return admin;
  }

  /** Enrolls (through the first control plane) and starts one more runtime agent process. */
  public JavaProcess startAgent(String name) throws Exception {
    String token = admin().post("/api/v1/agents/enrollment-tokens", new JsonObject().put("name", name))
        .getString("token");
    Map<String, String> env = new HashMap<>(tuning("AGENT"));
    env.putAll(Map.of(
        "MMAAS_AGENT_CONTROL_PLANE_URL", controlPlanes.get(0).agentApiUrl(),
        "MMAAS_AGENT_ENROLLMENT_TOKEN", token,
        "MMAAS_AGENT_NAME", name,
        "MMAAS_AGENT_PORT", "0",
        "MMAAS_AGENT_DATA_DIR", data.resolve(name).toString()));
    JavaProcess agent = JavaProcess.start(name, "runtime-agent", "768m", Platform.PROCESS_LOGS, env);
    agents.add(agent);
    return agent;
  }

  /** The key the gateway presents to an agent (what a direct caller needs to bypass the gateway). */
  public static String servingKey(UUID agentId) {
    return new AgentSecrets(SERVING_SECRET.getBytes(StandardCharsets.UTF_8)).servingKey(agentId);
  }

  /** A platform-wide tail of every process log, for failures. */
  public String logs() {
    StringBuilder b = new StringBuilder();
    try {
      for (ControlPlaneProcess cp : controlPlanes) {
        b.append("\n--- control plane ---\n").append(cp.process().tail());
      }
      for (JavaProcess a : agents) {
        b.append("\n--- agent ---\n").append(a.tail());
      }
    } catch (java.io.IOException e) {
      b.append(e);
    }
    return b.toString();
  }

  @Override
  public void close() throws Exception {
    for (JavaProcess a : agents) {
      a.close();
    }
    for (ControlPlaneProcess cp : controlPlanes) {
      cp.process().close();
    }
    vertx.close().await();
    db.close();
  }
}
