package io.mmaas.controlplane.app;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The control plane's configuration, read once from {@code MMAAS_*} environment variables into an immutable record.
 * Defaults suit a single-machine start; the two signing secrets have no default, so start-up fails without them
 * (each only where a {@link Role} of the process uses it).
 */
public record Config(
    String databaseUrl,
    int dbPoolSize,
    String host,
    int adminPort,
    int gatewayPort,
    int agentApiPort,
    java.util.List<io.mmaas.controlplane.auth.Tokens.SigningKey> jwtKeys,
    int jwtTtlSeconds,
    java.util.List<byte[]> agentServingSecrets,
    String adminUsername,
    String adminPassword,
    Path dataDir,
    long maxModelBytes,
    long maxJsonBytes,
    long maxInferBytes,
    int agentLeaseSeconds,
    int heartbeatIntervalSeconds,
    long schedulerIntervalMs,
    long gatewayTimeoutMs,
    long denialWindowMs,
    long usageFlushMs,
    String migrationDatabaseUrl,
    String databaseRole,
    String auditSigningKey,
    long auditCheckpointIntervalMs,
    java.util.List<String> auditTrustedPublicKeys,
    int gatewayEventLoops,
    io.mmaas.controlplane.http.TrustedProxies trustedProxies,
    long blobGcIntervalMs,
    DbLimits db,
    long agentUnapprovedMemoryBytes,
    int denialPoolSize,
    java.util.Set<Role> roles,
    boolean migrate,
    Blobs blobs,
    int leaderLeaseSeconds,
    Integer metricsPort) {

  /**
   * Where model content lives ({@code MMAAS_BLOB_STORE}): {@code postgres} (the default: chunked rows, through a pool
   * of {@code dbPoolSize} connections of its own), {@code s3} (an S3-compatible bucket) or {@code file} (this machine's
   * data dir: one control plane only).
   */
  public record Blobs(String store, int dbPoolSize, io.mmaas.controlplane.blobs.S3BlobStore.Settings s3) {
    public Map<String, Object> describe() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("store", store);
      if (store.equals("postgres")) {
        m.put("dbPoolSize", dbPoolSize);
      }
      if (s3 != null) {
        m.put("endpoint", s3.endpoint() == null ? "(AWS)" : s3.endpoint());
        m.put("bucket", s3.bucket());
        m.put("region", s3.region());
        m.put("accessKey", s3.accessKey() == null ? "(the SDK's default chain)" : "****");
        m.put("pathStyle", s3.pathStyle());
      }
      return m;
    }
  }

  /**
   * Bounds on the database link, so a database that is down or a link that is frozen costs each request a bounded
   * wait and a 503, never a hang: TCP connect timeout, how long a request waits for a pooled connection, how many
   * may wait at once (more get 503 at once), the longest statement (PostgreSQL's {@code statement_timeout}; a
   * connection that then still reads nothing for 10 s more is closed: a frozen link), and the admin API's longest
   * request (503 after it; uploads and responses already streaming are exempt).
   */
  public record DbLimits(long connectTimeoutMs, long poolWaitMs, int maxWaitQueue, long queryTimeoutMs,
                         long adminRequestTimeoutMs) {
  }

  public static Config fromEnv() {
    return from(System.getenv());
  }

  /** Reads the configuration from a map of variables (the environment, or a test's map). */
  public static Config from(Map<String, String> env) {
    Reader r = new Reader(env);
    java.util.Set<Role> roles = Role.parse(env.get("MMAAS_ROLES"));
    String databaseUrl = r.string("MMAAS_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/mmaas");
    String databaseRole = r.string("MMAAS_DATABASE_ROLE", null);
    Config config = new Config(
        withRole(databaseUrl, databaseRole),
        r.integer("MMAAS_DB_POOL_SIZE", 8, 1, 200),
        r.string("MMAAS_HOST", "127.0.0.1"),
        r.integer("MMAAS_ADMIN_PORT", 8080, 0, 65535),
        r.integer("MMAAS_GATEWAY_PORT", 8081, 0, 65535),
        r.integer("MMAAS_AGENT_API_PORT", 8082, 0, 65535),
        // each secret only where a role uses it: a gateway needs no JWT key, a migration job no secret at all
        roles.contains(Role.ADMIN) ? r.jwtKeys() : java.util.List.of(),
        r.integer("MMAAS_JWT_TTL_SECONDS", 3600, 60, 86_400),
        roles.contains(Role.GATEWAY) || roles.contains(Role.AGENT_API) ? r.servingSecrets()
            : java.util.List.of(),
        r.string("MMAAS_ADMIN_USERNAME", "admin"),
        env.get("MMAAS_ADMIN_PASSWORD"),
        Path.of(r.string("MMAAS_DATA_DIR", "data/control-plane")).toAbsolutePath(),
        r.number("MMAAS_MAX_MODEL_BYTES", 2L << 30, 1024, Long.MAX_VALUE),
        r.number("MMAAS_MAX_JSON_BYTES", 1L << 20, 1024, 64L << 20),
        r.number("MMAAS_MAX_INFER_BYTES", 64L << 20, 1024, 2L << 30),
        r.integer("MMAAS_AGENT_LEASE_SECONDS", 10, 2, 3600),
        r.integer("MMAAS_HEARTBEAT_INTERVAL_SECONDS", 2, 1, 600),
        r.number("MMAAS_SCHEDULER_INTERVAL_MS", 1000, 50, 3_600_000),
        r.number("MMAAS_GATEWAY_TIMEOUT_MS", 30_000, 100, 600_000),
        r.number("MMAAS_AUDIT_DENIAL_WINDOW_MS", 60_000, 100, 3_600_000),
        r.number("MMAAS_USAGE_FLUSH_MS", 5_000, 100, 600_000),
        r.string("MMAAS_MIGRATION_DATABASE_URL", databaseUrl),
        databaseRole,
        env.get("MMAAS_AUDIT_SIGNING_KEY"),
        r.number("MMAAS_AUDIT_CHECKPOINT_INTERVAL_MS", 60_000, 100, 86_400_000),
        r.string("MMAAS_AUDIT_TRUSTED_PUBLIC_KEYS", "").isEmpty() ? java.util.List.of()
            : java.util.List.of(r.string("MMAAS_AUDIT_TRUSTED_PUBLIC_KEYS", "").split("\\s*,\\s*")),
        r.integer("MMAAS_GATEWAY_EVENT_LOOPS", Math.min(8, Runtime.getRuntime().availableProcessors()), 1, 64),
        io.mmaas.controlplane.http.TrustedProxies.parse(env.get("MMAAS_TRUSTED_PROXIES")),
        r.number("MMAAS_BLOB_GC_INTERVAL_MS", 600_000, 100, 86_400_000),
        new DbLimits(
            r.number("MMAAS_DB_CONNECT_TIMEOUT_MS", 2_000, 100, 60_000),
            r.number("MMAAS_DB_POOL_WAIT_MS", 2_000, 50, 60_000),
            r.integer("MMAAS_DB_MAX_WAIT_QUEUE", 256, 1, 100_000),
            r.number("MMAAS_DB_QUERY_TIMEOUT_MS", 30_000, 100, 3_600_000),
            r.number("MMAAS_ADMIN_REQUEST_TIMEOUT_MS", 10_000, 100, 3_600_000)),
        r.number("MMAAS_AGENT_UNAPPROVED_MEMORY_BYTES", 8L << 30, 0, Long.MAX_VALUE),
        r.integer("MMAAS_DENIAL_POOL_SIZE", 2, 1, 50),
        roles,
        r.bool("MMAAS_MIGRATE", true),
        blobs(r),
        r.integer("MMAAS_LEADER_LEASE_SECONDS", 4, 2, 600),
        // unset: /metrics on the internal listener; set: a listener of its own, so a network policy can let the
        // scraper reach the metrics without also reaching the agent API
        env.get("MMAAS_METRICS_PORT") == null ? null : r.integer("MMAAS_METRICS_PORT", 9464, 0, 65535));
    if (config.adminPassword != null && config.adminPassword.length() < 12) {
      throw new IllegalArgumentException("MMAAS_ADMIN_PASSWORD must have at least 12 characters");
    }
    if (config.heartbeatIntervalSeconds * 2 > config.agentLeaseSeconds) {
      throw new IllegalArgumentException("MMAAS_AGENT_LEASE_SECONDS must be at least twice MMAAS_HEARTBEAT_INTERVAL_SECONDS");
    }
    return config;
  }

  private static Blobs blobs(Reader r) {
    String store = r.string("MMAAS_BLOB_STORE", "postgres").toLowerCase(java.util.Locale.ROOT);
    if (!java.util.Set.of("postgres", "s3", "file").contains(store)) {
      throw new IllegalArgumentException("MMAAS_BLOB_STORE must be postgres, s3 or file, got '" + store + "'");
    }
    int poolSize = r.integer("MMAAS_BLOB_DB_POOL_SIZE", 4, 1, 100);
    io.mmaas.controlplane.blobs.S3BlobStore.Settings s3 = null;
    if (store.equals("s3")) {
      String bucket = r.string("MMAAS_BLOB_S3_BUCKET", null);
      if (bucket == null) {
        throw new IllegalArgumentException("MMAAS_BLOB_STORE=s3 needs MMAAS_BLOB_S3_BUCKET");
      }
      String accessKey = r.string("MMAAS_BLOB_S3_ACCESS_KEY", null);
      String secretKey = r.string("MMAAS_BLOB_S3_SECRET_KEY", null);
      if ((accessKey == null) != (secretKey == null)) {
        throw new IllegalArgumentException("set both MMAAS_BLOB_S3_ACCESS_KEY and MMAAS_BLOB_S3_SECRET_KEY, or neither");
      }
      s3 = new io.mmaas.controlplane.blobs.S3BlobStore.Settings(r.string("MMAAS_BLOB_S3_ENDPOINT", null), bucket,
          r.string("MMAAS_BLOB_S3_REGION", "us-east-1"), accessKey, secretKey, r.bool("MMAAS_BLOB_S3_PATH_STYLE", false));
    }
    return new Blobs(store, poolSize, s3);
  }

  /**
   * The application's URL: with {@code MMAAS_DATABASE_ROLE} set, every connection starts with that role (the
   * server applies {@code -c role=…} from the startup packet, as {@code SET ROLE} would, before the pool hands the
   * connection out), so one login URL can serve migrations (as the owner) and the application (as a role that may
   * only read and append the audit log).
   */
  static String withRole(String url, String role) {
    if (role == null) {
      return url;
    }
    if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("MMAAS_DATABASE_ROLE must be a plain lower-case role name, got '" + role + "'");
    }
    if (url.contains("options=")) {
      throw new IllegalArgumentException("MMAAS_DATABASE_URL already has options=; set the role there or drop MMAAS_DATABASE_ROLE");
    }
    return url + (url.contains("?") ? "&" : "?") + "options=-c%20role%3D" + role;
  }

  /** The database URL without its password, for logs. */
  public String databaseUrlMasked() {
    URI uri = URI.create(databaseUrl);
    String userInfo = uri.getUserInfo();
    if (userInfo == null || !userInfo.contains(":")) {
      return databaseUrl;
    }
    return databaseUrl.replace(userInfo, userInfo.substring(0, userInfo.indexOf(':')) + ":****");
  }

  /** What is logged at start: every setting, secrets masked. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("roles", Role.describe(roles));
    m.put("databaseUrl", databaseUrlMasked());
    m.put("dbPoolSize", dbPoolSize);
    m.put("host", host);
    m.put("adminPort", adminPort);
    m.put("gatewayPort", gatewayPort);
    m.put("gatewayEventLoops", gatewayEventLoops);
    m.put("agentApiPort", agentApiPort);
    m.put("jwtKeys", jwtKeys.stream().map(k -> k.kid() + ":****").toList());
    m.put("jwtTtlSeconds", jwtTtlSeconds);
    m.put("agentServingSecrets", agentServingSecrets.stream()
        .map(k -> io.mmaas.controlplane.agents.AgentSecrets.fingerprint(k) + ":****").toList());
    m.put("adminUsername", adminUsername);
    m.put("adminPassword", adminPassword == null ? "(generated on first start)" : "****");
    m.put("dataDir", dataDir);
    m.put("maxModelBytes", maxModelBytes);
    m.put("maxJsonBytes", maxJsonBytes);
    m.put("maxInferBytes", maxInferBytes);
    m.put("agentLeaseSeconds", agentLeaseSeconds);
    m.put("heartbeatIntervalSeconds", heartbeatIntervalSeconds);
    m.put("schedulerIntervalMs", schedulerIntervalMs);
    m.put("gatewayTimeoutMs", gatewayTimeoutMs);
    m.put("denialWindowMs", denialWindowMs);
    m.put("usageFlushMs", usageFlushMs);
    m.put("migrationDatabaseUrl", migrationDatabaseUrl.replaceAll("://([^:/@]+):[^@]*@", "://$1:****@"));
    m.put("databaseRole", databaseRole == null ? "(the login user)" : databaseRole);
    m.put("auditSigningKey", auditSigningKey == null ? "(generated in the data dir; local use only)" : "****");
    m.put("auditCheckpointIntervalMs", auditCheckpointIntervalMs);
    m.put("auditTrustedPublicKeys", auditTrustedPublicKeys.size());
    m.put("trustedProxies", trustedProxies.size());
    m.put("blobGcIntervalMs", blobGcIntervalMs);
    m.put("db", db);
    m.put("agentUnapprovedMemoryBytes", agentUnapprovedMemoryBytes);
    m.put("denialPoolSize", denialPoolSize);
    m.put("migrate", migrate);
    m.put("blobs", blobs.describe());
    m.put("leaderLeaseSeconds", leaderLeaseSeconds);
    m.put("metricsPort", metricsPort == null ? "(the internal listener)" : metricsPort);
    return m;
  }

  @Override
  public String toString() {
    return "Config" + describe();
  }

  private record Reader(Map<String, String> env) {
    String string(String name, String def) {
      String v = env.get(name);
      return v == null || v.isBlank() ? def : v.trim();
    }

    boolean bool(String name, boolean def) {
      String v = string(name, null);
      if (v == null) {
        return def;
      }
      return switch (v.toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
      };
    }

    int integer(String name, int def, int min, int max) {
      return (int) number(name, def, min, max);
    }

    long number(String name, long def, long min, long max) {
      return parse(name, def, s -> {
        long v = Long.parseLong(s);
        if (v < min || v > max) {
          throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
      });
    }

    /**
     * {@code MMAAS_JWT_KEYS=kid1:secret1,kid2:secret2} (the first signs, all verify: list the new key first and keep
     * the old one until its tokens expired), or just {@code MMAAS_JWT_SECRET} for a single key.
     */
    java.util.List<io.mmaas.controlplane.auth.Tokens.SigningKey> jwtKeys() {
      String keys = env.get("MMAAS_JWT_KEYS");
      if (keys == null || keys.isBlank()) {
        return java.util.List.of(new io.mmaas.controlplane.auth.Tokens.SigningKey("k1", secret("MMAAS_JWT_SECRET")));
      }
      java.util.List<io.mmaas.controlplane.auth.Tokens.SigningKey> out = new java.util.ArrayList<>();
      for (String entry : keys.split(",")) {
        int colon = entry.indexOf(':');
        String kid = colon < 0 ? "" : entry.substring(0, colon).trim();
        if (!kid.matches("[A-Za-z0-9._-]{1,64}")) {
          throw new IllegalArgumentException("MMAAS_JWT_KEYS entries must look like kid:secret");
        }
        byte[] secret = entry.substring(colon + 1).trim().getBytes(StandardCharsets.UTF_8);
        if (secret.length < 32) {
          throw new IllegalArgumentException("MMAAS_JWT_KEYS: key '" + kid + "' must have at least 32 bytes");
        }
        out.add(new io.mmaas.controlplane.auth.Tokens.SigningKey(kid, secret));
      }
      return java.util.List.copyOf(out);
    }

    /**
     * {@code MMAAS_AGENT_SERVING_SECRETS=new,old} (the first derives the keys agents get from now on, the others
     * still derive keys issued under them: fleet-wide rotation of the serving secret), or just
     * {@code MMAAS_AGENT_SERVING_SECRET} for one.
     */
    java.util.List<byte[]> servingSecrets() {
      String list = env.get("MMAAS_AGENT_SERVING_SECRETS");
      if (list == null || list.isBlank()) {
        return java.util.List.of(secret("MMAAS_AGENT_SERVING_SECRET"));
      }
      java.util.List<byte[]> out = new java.util.ArrayList<>();
      int i = 0;
      for (String entry : list.split(",")) {
        i++;
        byte[] secret = entry.trim().getBytes(StandardCharsets.UTF_8);
        if (secret.length < 32) {
          throw new IllegalArgumentException("MMAAS_AGENT_SERVING_SECRETS: secret " + i + " must have at least 32 bytes");
        }
        out.add(secret);
      }
      return java.util.List.copyOf(out);
    }

    byte[] secret(String name) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(name + " is required (at least 32 random bytes, e.g. `openssl rand -base64 48`)");
      }
      byte[] bytes = v.trim().getBytes(StandardCharsets.UTF_8);
      if (bytes.length < 32) {
        throw new IllegalArgumentException(name + " must have at least 32 bytes");
      }
      return bytes;
    }

    private <T> T parse(String name, T def, Function<String, T> parser) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        return def;
      }
      try {
        return parser.apply(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
      }
    }
  }
}
