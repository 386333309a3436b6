package io.mmaas.agent.app;

import io.mmaas.agent.oip.ServingVerticle;
import io.mmaas.agent.runtime.ExecutionProviderPreference;
import io.mmaas.agent.runtime.OrtModelRuntime;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The agent's configuration, read once from {@code MMAAS_AGENT_*} environment variables.
 *
 * @param enrollmentToken needed only before the first enrollment; null when unset
 * @param port 0 for an ephemeral port, which is then what the agent advertises
 * @param advertiseUrl the serving URL given to the control plane; null means {@code http://HOST:PORT}
 * @param maxBodyBytes the largest inference request body accepted (larger gets 413)
 * @param inferThreads size of the inference worker pool
 * @param maxPending inference requests admitted at once (more get 503 at once); 0 means 32 per inference thread
 * @param eventLoops event loops serving HTTP; 0 means {@link ServingVerticle.Settings#defaultEventLoops()}
 * @param maxInferMillis how long one ONNX Runtime run (a request or a batch) may take before it is stopped (504)
 * @param hosts how model hosts are isolated, limited and restarted
 */
public record AgentConfig(
    String controlPlaneUrl,
    String enrollmentToken,
    String name,
    String host,
    int port,
    String advertiseUrl,
    Path dataDir,
    ExecutionProviderPreference executionProvider,
    long maxBodyBytes,
    int inferThreads,
    int maxPending,
    int eventLoops,
    long maxInferMillis,
    Hosts hosts) {

  public static final long DEFAULT_MAX_BODY_BYTES = 64L * 1024 * 1024;

  public AgentConfig {
    Objects.requireNonNull(controlPlaneUrl, "controlPlaneUrl");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(executionProvider, "executionProvider");
    Objects.requireNonNull(hosts, "hosts");
  }

  /**
   * The model hosts' settings.
   *
   * @param memoryBytes each host's memory ceiling (0: none)
   * @param threads each host's thread budget: its inference threads and the most threads one operator may use
   * @param maxTasks the most threads (tasks) a host's process may have, where cgroups can enforce it (0: none)
   * @param heapBytes each host JVM's heap ceiling
   * @param javaOptions more JVM options for hosts
   * @param ports the ports hosts listen on ({first, last}), null for ephemeral ports
   * @param quarantineCrashes crashes within {@code quarantineWindowSeconds} that quarantine a replica
   */
  public record Hosts(io.mmaas.agent.hosts.Isolation isolation, long memoryBytes, int threads, int maxTasks,
      long heapBytes, String javaOptions, int[] ports, int quarantineCrashes, int quarantineWindowSeconds) {
    /** The defaults on a node with {@code cores} cores and {@code memory} bytes. */
    public static Hosts defaults(int cores, long memory) {
      return new Hosts(io.mmaas.agent.hosts.Isolation.TENANT, memory / 2, cores, 4096, 1L << 30, "", null, 3, 600);
    }

    @Override
    public String toString() {
      return "Hosts[isolation=" + isolation + ", memoryBytes=" + memoryBytes + ", threads=" + threads
          + ", maxTasks=" + maxTasks + ", heapBytes=" + heapBytes + ", javaOptions='" + javaOptions + "', ports="
          + (ports == null ? "ephemeral" : ports[0] + "-" + ports[1]) + ", quarantine=" + quarantineCrashes
          + " crashes in " + quarantineWindowSeconds + " s]";
    }
  }

  /** Configuration with the default admission bound. */
  public AgentConfig(String controlPlaneUrl, String enrollmentToken, String name, String host, int port,
      String advertiseUrl, Path dataDir, ExecutionProviderPreference executionProvider, long maxBodyBytes,
      int inferThreads) {
    this(controlPlaneUrl, enrollmentToken, name, host, port, advertiseUrl, dataDir, executionProvider, maxBodyBytes,
        inferThreads, 0, 0, OrtModelRuntime.DEFAULT_MAX_RUN_MILLIS,
        Hosts.defaults(Runtime.getRuntime().availableProcessors(), nodeMemory()));
  }

  /** The same configuration with other host settings. */
  public AgentConfig withHosts(Hosts hosts) {
    return new AgentConfig(controlPlaneUrl, enrollmentToken, name, host, port, advertiseUrl, dataDir,
        executionProvider, maxBodyBytes, inferThreads, maxPending, eventLoops, maxInferMillis, hosts);
  }

  /** The node's memory from /proc/meminfo; 8 GiB where it cannot be read. */
  static long nodeMemory() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return 8L << 30;
  }

  /** The URL the gateway uses for a model host listening on {@code port}: the advertised URL's scheme and host. */
  public String hostUrl(int port) {
    URI base = URI.create(servingUrl(this.port == 0 ? 1 : this.port));
    return base.getScheme() + "://" + (base.getHost().contains(":") ? "[" + base.getHost() + "]" : base.getHost())
        + ":" + port;
  }

  /** The event loops to start: the configured number, or the default. */
  public int effectiveEventLoops() {
    return eventLoops > 0 ? eventLoops : ServingVerticle.Settings.defaultEventLoops();
  }

  /** Reads the configuration; every bad value is named in the exception, not only the first. */
  public static AgentConfig fromEnv(Map<String, String> env) throws ConfigException {
    Reader reader = new Reader(env);
    String controlPlane = reader.get("MMAAS_AGENT_CONTROL_PLANE_URL", "http://127.0.0.1:8082", AgentConfig::httpUrl);
    String token = env.get("MMAAS_AGENT_ENROLLMENT_TOKEN");
    String name = reader.get("MMAAS_AGENT_NAME", defaultName(), AgentConfig::nonBlank);
    String host = reader.get("MMAAS_AGENT_HOST", "127.0.0.1", AgentConfig::nonBlank);
    Integer port = reader.get("MMAAS_AGENT_PORT", "9090", v -> intIn(v, 0, 65535));
    String advertise = reader.get("MMAAS_AGENT_ADVERTISE_URL", null, AgentConfig::httpUrl);
    Path dataDir = reader.get("MMAAS_AGENT_DATA_DIR", "./data/agent", Path::of);
    ExecutionProviderPreference provider =
        reader.get("MMAAS_AGENT_EXECUTION_PROVIDER", "auto", ExecutionProviderPreference::parse);
    Long maxBody = reader.get("MMAAS_AGENT_MAX_BODY_BYTES", Long.toString(DEFAULT_MAX_BODY_BYTES), AgentConfig::bytes);
    Integer threads = reader.get(
        "MMAAS_AGENT_INFER_THREADS", Integer.toString(Runtime.getRuntime().availableProcessors()), v -> intIn(v, 1, 1024));
    Integer pending = reader.get("MMAAS_AGENT_MAX_PENDING", "0", v -> intIn(v, 0, 1_000_000));
    Integer loops = reader.get("MMAAS_AGENT_EVENT_LOOPS", "0", v -> intIn(v, 0, 64));
    Integer maxInfer = reader.get("MMAAS_AGENT_MAX_INFER_MS", Long.toString(OrtModelRuntime.DEFAULT_MAX_RUN_MILLIS),
        v -> intIn(v, 10, 86_400_000));
    int cores = Runtime.getRuntime().availableProcessors();
    Hosts defaults = Hosts.defaults(cores, nodeMemory());
    io.mmaas.agent.hosts.Isolation isolation =
        reader.get("MMAAS_AGENT_ISOLATION", "tenant", io.mmaas.agent.hosts.Isolation::parse);
    Long hostMemory = reader.get("MMAAS_AGENT_HOST_MEMORY_BYTES", Long.toString(defaults.memoryBytes()),
        v -> v.trim().equals("0") ? 0L : bigBytes(v));
    Integer hostThreads = reader.get("MMAAS_AGENT_HOST_THREADS", Integer.toString(threads == null ? cores : threads),
        v -> intIn(v, 1, 1024));
    Integer hostTasks = reader.get("MMAAS_AGENT_HOST_MAX_TASKS", Integer.toString(defaults.maxTasks()),
        v -> intIn(v, 0, 1_000_000));
    Long hostHeap = reader.get("MMAAS_AGENT_HOST_HEAP_BYTES", Long.toString(defaults.heapBytes()),
        AgentConfig::bigBytes);
    String hostJava = env.getOrDefault("MMAAS_AGENT_HOST_JAVA_OPTS", "");
    int[] hostPorts = reader.get("MMAAS_AGENT_HOST_PORTS", "0", AgentConfig::portRange);
    Integer crashes = reader.get("MMAAS_AGENT_QUARANTINE_CRASHES", "3", v -> intIn(v, 1, 1000));
    Integer window = reader.get("MMAAS_AGENT_QUARANTINE_WINDOW_SECONDS", "600", v -> intIn(v, 1, 86_400 * 7));
    reader.throwIfInvalid();
    return new AgentConfig(controlPlane, token == null || token.isBlank() ? null : token, name, host, port,
        advertise, dataDir, provider, maxBody, threads, pending, loops, maxInfer,
        new Hosts(isolation, hostMemory, hostThreads, hostTasks, hostHeap, hostJava,
            hostPorts.length == 0 ? null : hostPorts, crashes, window));
  }

  /** "0" (ephemeral ports) or "FIRST-LAST". */
  private static int[] portRange(String value) {
    String text = value.trim();
    if (text.equals("0")) {
      return new int[0];
    }
    String[] parts = text.split("-");
    if (parts.length != 2) {
      throw new IllegalArgumentException("must be 0 or a range such as 9100-9199");
    }
    int first = intIn(parts[0], 1, 65535);
    int last = intIn(parts[1], 1, 65535);
    if (last < first) {
      throw new IllegalArgumentException("must be a range FIRST-LAST with FIRST <= LAST");
    }
    return new int[] {first, last};
  }

  /** A byte count of at least 16 MiB that may exceed 2 GiB (memory ceilings). */
  private static long bigBytes(String value) {
    long bytes = byteCount(value);
    if (bytes < (16L << 20)) {
      throw new IllegalArgumentException("must be at least 16MiB");
    }
    return bytes;
  }


  /** The URL the control plane and the gateway should use to reach this agent, once the port is known. */
  public String servingUrl(int actualPort) {
    return advertiseUrl != null ? advertiseUrl : "http://" + host + ":" + actualPort;
  }

  @Override
  public String toString() {
    return "AgentConfig[controlPlaneUrl=" + controlPlaneUrl
        + ", enrollmentToken=" + (enrollmentToken == null ? "(unset)" : "****")
        + ", name=" + name + ", host=" + host + ", port=" + port
        + ", advertiseUrl=" + (advertiseUrl == null ? "(http://HOST:PORT)" : advertiseUrl)
        + ", dataDir=" + dataDir + ", executionProvider=" + executionProvider
        + ", maxBodyBytes=" + maxBodyBytes + ", inferThreads=" + inferThreads + ", maxPending=" + maxPending
        + ", eventLoops=" + effectiveEventLoops() + ", maxInferMillis=" + maxInferMillis + ", hosts=" + hosts + "]";
  }

  private static String defaultName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      String hostname = System.getenv("HOSTNAME");
      return hostname == null || hostname.isBlank() ? "runtime-agent" : hostname;
    }
  }

  private static String nonBlank(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("must not be blank");
    }
    return value.trim();
  }

  private static String httpUrl(String value) {
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException("must be an http:// or https:// URL with a host");
      }
      String text = uri.toString();
      return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL (" + e.getMessage() + ")");
    }
  }

  private static int intIn(String value, int min, int max) {
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be an integer in " + min + ".." + max);
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException("must be an integer in " + min + ".." + max);
    }
    return (int) parsed;
  }

  /** A positive byte count up to 2 GiB (body limits). */
  private static long bytes(String value) {
    long bytes = byteCount(value);
    if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("must be between 1 byte and 2 GiB");
    }
    return bytes;
  }

  /** A byte count, optionally with a KiB, MiB or GiB suffix. */
  private static long byteCount(String value) {
    String text = value.trim();
    long unit = 1;
    for (Map.Entry<String, Long> suffix : Map.of("KiB", 1L << 10, "MiB", 1L << 20, "GiB", 1L << 30).entrySet()) {
      if (text.endsWith(suffix.getKey())) {
        unit = suffix.getValue();
        text = text.substring(0, text.length() - suffix.getKey().length()).trim();
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(text), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("must be a byte count such as 67108864 or 64MiB");
    }
  }


  /** Reads variables and collects every error. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> errors = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    <T> T get(String variable, String fallback, Function<String, T> parse) {
      String value = env.get(variable);
      if (value == null || value.isEmpty()) {
        value = fallback;
      }
      if (value == null) {
        return null;
      }
      try {
        return parse.apply(value);
      } catch (IllegalArgumentException e) { // InvalidPathException included
        errors.add(variable + "='" + value + "' " + e.getMessage());
        return null;
      }
    }

    void throwIfInvalid() throws ConfigException {
      if (!errors.isEmpty()) {
        throw new ConfigException("invalid configuration: " + String.join("; ", errors));
      }
    }
  }
}
