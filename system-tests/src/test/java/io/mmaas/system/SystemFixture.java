package io.mmaas.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mmaas.controlplane.testing.JavaProcess;
import io.mmaas.controlplane.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole system on real processes for one test class: a fresh PostgreSQL database, the packaged control plane, and
 * as many packaged runtime agents as the test starts, plus a signed-in admin and blocking HTTP helpers.
 */
final class SystemFixture implements AutoCloseable {
  private static final Path PROCESS_LOGS = JavaProcess.repoRoot().resolve("system-tests/target/process-logs");
  static final String ADMIN_PASSWORD = "system-test-admin-password";

  /** What the control plane logs once every listener of its roles is up; "-" for a listener it does not run. */
  static final String READY = "control plane ready: admin API (\\S+) · gateway (\\S+) · internal "
      + "\\(agent API, metrics\\) (\\S+) · roles (\\S+)";

  final TestDatabase db;
  JavaProcess controlPlane;
  final List<JavaProcess> agents = new ArrayList<>();
  /** Gateway-only processes the test started, in order (their URLs in {@link #gatewayUrls}). */
  final List<JavaProcess> gateways = new ArrayList<>();
  final List<String> gatewayUrls = new ArrayList<>();
  /** Scheduler-only processes the test started, in order. */
  final List<Scheduler> schedulers = new ArrayList<>();
  /** Further control-plane processes the test started with {@link #startReplica}. */
  final List<JavaProcess> replicas = new ArrayList<>();
  final Vertx vertx;
  final WebClient http;
  /** The control plane's secret that agents' serving keys derive from (a test may call an agent directly). */
  static final String SERVING_SECRET = "system-test-agent-secret-0123456789abcdef";

  final String adminUrl;
  /** The control plane's own gateway, or (when it runs none) the first gateway process once one is started. */
  String gatewayUrl;
  final String agentApiUrl;
  final String admin;
  private final Path data;
  private final Map<String, String> env;

  private SystemFixture(TestDatabase db, JavaProcess controlPlane, Path data, Map<String, String> env, Matcher ready) {
    this.db = db;
    this.controlPlane = controlPlane;
    this.data = data;
    this.env = Map.copyOf(env);
    adminUrl = ready.group(1);
    gatewayUrl = "-".equals(ready.group(2)) ? null : ready.group(2);
    agentApiUrl = ready.group(3);
    vertx = Vertx.vertx();
    http = WebClient.create(vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    admin = http.postAbs(adminUrl + "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("username", "admin").put("password", ADMIN_PASSWORD)).await()
        .bodyAsJsonObject().getString("token");
  }

  /** Starts the control plane with the test settings plus {@code overrides}. */
  static SystemFixture start(String name, Map<String, String> overrides) throws Exception {
    return start(name, overrides, TestDatabase.create());
  }

  /**
   * As {@link #start(String, Map)}, on a database of the test's own, e.g. {@code TestDatabase.create(pg.serverUrl())}
   * on a {@code PrivatePostgres} the test may stop and start (never the machine's shared server).
   */
  static SystemFixture start(String name, Map<String, String> overrides, TestDatabase db) throws Exception {
    Path data = Files.createTempDirectory("mmaas-system-");
    Map<String, String> env = controlPlaneEnv(db, data.resolve("control-plane"));
    env.putAll(overrides);
    JavaProcess cp = JavaProcess.start(name + "-control-plane", "control-plane", "512m", PROCESS_LOGS,
        env);
    return new SystemFixture(db, cp, data, env, ready(cp));
  }

  /** The test settings of a control-plane process on {@code db} with {@code dataDir}: every role, ephemeral ports. */
  static Map<String, String> controlPlaneEnv(TestDatabase db, Path dataDir) {
    Map<String, String> env = new HashMap<>();
    env.put("MMAAS_DATABASE_URL", db.url());
    env.put("MMAAS_ADMIN_PORT", "0");
    env.put("MMAAS_GATEWAY_PORT", "0");
    env.put("MMAAS_AGENT_API_PORT", "0");
    env.put("MMAAS_JWT_SECRET", "system-test-jwt-secret-0123456789abcdef");
    env.put("MMAAS_AGENT_SERVING_SECRET", SERVING_SECRET);
    env.put("MMAAS_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("MMAAS_DATA_DIR", dataDir.toString());
    env.put("MMAAS_SCHEDULER_INTERVAL_MS", "250");
    return env;
  }

  /** The process's ready line, parsed by {@link #READY} (admin, gateway, internal URL, roles). */
  static Matcher ready(JavaProcess process) throws Exception {
    Matcher m = Pattern.compile(READY).matcher(process.awaitLog("(control plane ready: .*)", Duration.ofSeconds(60)));
    if (!m.find()) {
      throw new AssertionError("unexpected ready line from " + process.name());
    }
    return m;
  }

  /**
   * Starts the control plane again after it died (or was killed), with the same settings: give the test fixed
   * ports ({@link #freePort()}) when agents or gateways must find it at the same address.
   */
  JavaProcess restartControlPlane(String name) throws Exception {
    controlPlane.close();
    controlPlane = JavaProcess.start(name, "control-plane", "512m", PROCESS_LOGS, env);
    ready(controlPlane);
    return controlPlane;
  }

  /**
   * Starts a process of the same jar that runs only the gateway role (same database, same data dir, so the same
   * audit key), and returns its gateway URL; the first one becomes {@link #gatewayUrl} when the control plane runs no
   * gateway of its own.
   */
  String startGateway(String name, Map<String, String> overrides) throws Exception {
    Map<String, String> gw = new HashMap<>(env);
    gw.remove("MMAAS_JWT_SECRET"); // a gateway needs none: its absence is part of the test
    gw.remove("MMAAS_ADMIN_PASSWORD");
    gw.put("MMAAS_ROLES", "gateway");
    gw.put("MMAAS_MIGRATE", "false");
    gw.put("MMAAS_GATEWAY_PORT", "0");
    gw.put("MMAAS_AGENT_API_PORT", "0");
    gw.putAll(overrides);
    JavaProcess process = JavaProcess.start(name, "control-plane", "384m", PROCESS_LOGS, gw);
    String url = ready(process).group(2);
    gateways.add(process);
    gatewayUrls.add(url);
    if (gatewayUrl == null) {
      gatewayUrl = url;
    }
    return url;
  }

  /** A scheduler-only process: the process and its internal listener (metrics, health). */
  record Scheduler(JavaProcess process, String internalUrl) {
  }

  /**
   * Starts a process of the same jar that runs only the scheduler role (same database and data dir, so the same audit
   * signing key): the leader lease decides which of the scheduler processes places, judges leases, takes checkpoints.
   */
  Scheduler startScheduler(String name, Map<String, String> overrides) throws Exception {
    Map<String, String> env = new HashMap<>(this.env);
    env.remove("MMAAS_JWT_SECRET");
    env.remove("MMAAS_ADMIN_PASSWORD");
    env.remove("MMAAS_AGENT_SERVING_SECRET");
    env.put("MMAAS_ROLES", "scheduler");
    env.put("MMAAS_MIGRATE", "false");
    env.put("MMAAS_AGENT_API_PORT", "0");
    env.putAll(overrides);
    JavaProcess process = JavaProcess.start(name, "control-plane", "256m", PROCESS_LOGS, env);
    Scheduler scheduler = new Scheduler(process, ready(process).group(3));
    schedulers.add(scheduler);
    return scheduler;
  }

  /** Another control-plane process: its process and its listeners' URLs (null for a listener its roles do not run). */
  record Replica(JavaProcess process, String adminUrl, String gatewayUrl, String internalUrl) {
  }

  /**
   * Starts another control-plane process of the same jar, as a second replica on Kubernetes would run: the same
   * database and the same JWT, serving and audit keys, but ports and a data dir of its own, so nothing on one
   * replica's disk helps the other. All roles unless {@code overrides} set {@code MMAAS_ROLES}.
   */
  Replica startReplica(String name, Map<String, String> overrides) throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.put("MMAAS_ADMIN_PORT", "0");
    e.put("MMAAS_GATEWAY_PORT", "0");
    e.put("MMAAS_AGENT_API_PORT", "0");
    e.put("MMAAS_MIGRATE", "false");
    e.put("MMAAS_DATA_DIR", data.resolve(name).toString());
    if (!e.containsKey("MMAAS_AUDIT_SIGNING_KEY")) {
      // the key the first control plane generated in its data dir: every replica signs checkpoints alike
      e.put("MMAAS_AUDIT_SIGNING_KEY", Files.readString(Path.of(env.get("MMAAS_DATA_DIR"))
          .resolve("audit-signing-key.pk8.b64")).trim());
    }
    e.putAll(overrides);
    JavaProcess process = JavaProcess.start(name, "control-plane", "512m", PROCESS_LOGS, e);
    replicas.add(process);
    Matcher m = ready(process);
    return new Replica(process, orNull(m.group(1)), orNull(m.group(2)), orNull(m.group(3)));
  }

  private static String orNull(String url) {
    return "-".equals(url) ? null : url;
  }

  /** A TCP port nothing listens on now (for a process that must come back at the same address). */
  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Enrolls and starts one more runtime agent process. */
  JavaProcess startAgent(String name) throws Exception {
    return startAgent(name, Map.of());
  }

  /** Enrolls and starts one more runtime agent process with the test settings plus {@code overrides}. */
  JavaProcess startAgent(String name, Map<String, String> overrides) throws Exception {
    String token = post("/api/v1/agents/enrollment-tokens", new JsonObject().put("name", name)).getString("token");
    Map<String, String> env = new HashMap<>(Map.of(
        "MMAAS_AGENT_CONTROL_PLANE_URL", agentApiUrl,
        "MMAAS_AGENT_ENROLLMENT_TOKEN", token,
        "MMAAS_AGENT_NAME", name,
        "MMAAS_AGENT_PORT", "0",
        "MMAAS_AGENT_DATA_DIR", data.resolve(name).toString(),
        "MMAAS_AGENT_HOST_HEAP_BYTES", "256MiB"));
    env.putAll(overrides);
    JavaProcess agent = JavaProcess.start(name, "runtime-agent", "512m", PROCESS_LOGS, env);
    agents.add(agent);
    return agent;
  }

  HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    var req = http.requestAbs(method, adminUrl + path).bearerTokenAuthentication(admin);
    return (body == null ? req.send() : req.sendJsonObject(body)).await();
  }

  JsonObject post(String path, JsonObject body) {
    HttpResponse<Buffer> r = call(HttpMethod.POST, path, body);
    assertThat(r.statusCode()).as(path + ": " + r.bodyAsString()).isIn(200, 201);
    return r.bodyAsJsonObject();
  }

  JsonObject get(String path) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, path, null);
    assertThat(r.statusCode()).as(path + ": " + r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  JsonObject upload(String tenant, String model, byte[] onnx) {
    HttpResponse<Buffer> r = http.postAbs(adminUrl + "/api/v1/tenants/" + tenant + "/models/" + model + "/versions")
        .bearerTokenAuthentication(admin).putHeader("Content-Type", "application/octet-stream")
        .sendBuffer(Buffer.buffer(onnx)).await();
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  HttpResponse<Buffer> infer(String key, String model, JsonObject body) {
    var req = http.postAbs(gatewayUrl + "/v2/models/" + model + "/infer");
    if (key != null) {
      req.bearerTokenAuthentication(key);
    }
    return req.sendJsonObject(body).await();
  }

  /** READY replicas of the deployment at {@code path} (e.g. {@code /api/v1/tenants/t/deployments/id}): id to agent name. */
  Map<String, String> readyOn(String path) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Object o : get(path).getJsonArray("replicaStatus")) {
      JsonObject r = (JsonObject) o;
      if ("READY".equals(r.getString("state")) && r.getJsonObject("agent") != null) {
        out.put(r.getString("id", r.getString("replicaId")), r.getJsonObject("agent").getString("name"));
      }
    }
    return out;
  }

  void await(String what, Supplier<Boolean> condition, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.get()) {
      if (Instant.now().isAfter(deadline)) {
        StringBuilder logs = new StringBuilder("\n--- control plane ---\n").append(controlPlane.tail());
        for (JavaProcess g : java.util.stream.Stream.concat(gateways.stream(), replicas.stream()).toList()) {
          logs.append("\n--- ").append(g.name()).append(" ---\n").append(g.tail());
        }
        for (JavaProcess a : agents) {
          logs.append("\n--- agent ---\n").append(a.tail());
        }
        throw new AssertionError(what + ": not within " + timeout + logs);
      }
      Thread.sleep(100);
    }
  }

  @Override
  public void close() throws Exception {
    for (JavaProcess a : agents) {
      a.close();
    }
    for (JavaProcess g : gateways) {
      g.close();
    }
    for (Scheduler s : schedulers) {
      if (s.process().alive()) {
        s.process().resume(); // a test that failed while it was stopped
      }
      s.process().close();
    }
    for (JavaProcess r : replicas) {
      r.close();
    }
    controlPlane.close();
    vertx.close().await();
    db.close();
  }

  /**
   * An all-zero [rows, 256] FP32 request for {@code OnnxModels.chain(256, depth, seed)}: its run time grows with the
   * rows and does not depend on the values.
   */
  static JsonObject chainZeros(int rows) {
    JsonArray data = new JsonArray(new ArrayList<>(java.util.Collections.nCopies(rows * 256, 0)));
    return new JsonObject().put("inputs", new JsonArray().add(new JsonObject().put("name", "input")
        .put("datatype", "FP32").put("shape", new JsonArray().add(rows).add(256)).put("data", data)));
  }

  /** One series of the gateway's Prometheus metrics (served on the agent API listener); fails when it is not there. */
  double gatewayMetric(String series) {
    return metric(agentApiUrl, series, null);
  }

  /**
   * One series of the Prometheus metrics a process serves at {@code baseUrl + "/metrics"}; {@code absent} when the
   * page does not have it (a counter nothing has touched yet), or a failure when that is null.
   */
  double metric(String baseUrl, String series, Double absent) {
    String text = http.getAbs(baseUrl + "/metrics").send().await().bodyAsString();
    boolean found = false;
    double sum = 0;
    for (String line : text.split("\n")) {
      // an agent's page merges its model hosts' series, each labelled with its host: summed over hosts here
      String unlabelled = HOST_LABEL.matcher(line).replaceFirst("").replace("{}", "");
      if (unlabelled.startsWith(series + " ")) {
        found = true;
        sum += Double.parseDouble(unlabelled.substring(series.length() + 1));
      }
    }
    if (found) {
      return sum;
    }
    if (absent != null) {
      return absent;
    }
    throw new AssertionError(series + " is not in the metrics:\n" + text);
  }

  private static final Pattern HOST_LABEL = Pattern.compile("host=\"[^\"]*\",?");
}
