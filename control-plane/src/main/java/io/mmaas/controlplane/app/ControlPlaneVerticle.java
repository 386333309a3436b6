package io.mmaas.controlplane.app;

import io.mmaas.controlplane.agents.AgentAdminHandler;
import io.mmaas.controlplane.agents.AgentApiHandler;
import io.mmaas.controlplane.agents.AgentRepository;
import io.mmaas.controlplane.agents.AgentSecrets;
import io.mmaas.controlplane.agents.AgentService;
import io.mmaas.controlplane.audit.AuditHandler;
import io.mmaas.controlplane.audit.AuditRepository;
import io.mmaas.controlplane.audit.AuditService;
import io.mmaas.controlplane.audit.AuditSigningKey;
import io.mmaas.controlplane.audit.CheckpointJob;
import io.mmaas.controlplane.audit.CheckpointRepository;
import io.mmaas.controlplane.audit.AuditWriter;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.auth.AccessPolicy;
import io.mmaas.controlplane.auth.AuthHandler;
import io.mmaas.controlplane.auth.AuthService;
import io.mmaas.controlplane.auth.PasswordHasher;
import io.mmaas.controlplane.auth.Tokens;
import io.mmaas.controlplane.auth.SessionRepository;
import io.mmaas.controlplane.auth.SignInThrottle;
import io.mmaas.controlplane.auth.UserHandler;
import io.mmaas.controlplane.auth.UserRepository;
import io.mmaas.controlplane.auth.UserService;
import io.mmaas.controlplane.deployments.DeploymentHandler;
import io.mmaas.controlplane.deployments.DeploymentRepository;
import io.mmaas.controlplane.deployments.DeploymentService;
import io.mmaas.controlplane.deployments.Scheduler;
import io.mmaas.controlplane.gateway.GatewayMetrics;
import io.mmaas.controlplane.keys.ApiKeyHandler;
import io.mmaas.controlplane.leader.LeaderLease;
import io.mmaas.controlplane.keys.ApiKeyRepository;
import io.mmaas.controlplane.keys.ApiKeyService;
import io.mmaas.controlplane.quotas.QuotaHandler;
import io.mmaas.controlplane.quotas.QuotaRepository;
import io.mmaas.controlplane.quotas.QuotaService;
import io.mmaas.controlplane.quotas.ResourceLimits;
import io.mmaas.controlplane.blobs.BlobStore;
import io.mmaas.controlplane.blobs.FileBlobStore;
import io.mmaas.controlplane.blobs.PostgresBlobStore;
import io.mmaas.controlplane.blobs.S3BlobStore;
import io.mmaas.controlplane.registry.UploadFiles;
import io.mmaas.controlplane.usage.UsageHandler;
import io.mmaas.controlplane.usage.UsageRepository;
import io.mmaas.controlplane.registry.RegistryHandler;
import io.mmaas.controlplane.registry.RegistryRepository;
import io.mmaas.controlplane.registry.RegistryService;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.mmaas.controlplane.tenants.TenantService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires one control-plane process for its {@link Role roles}: pool, migrations, then per role its services, handlers,
 * listener and periodic jobs (admin API; data-plane gateway; agent API; scheduler), and always the internal listener
 * with metrics and health.
 */
public final class ControlPlaneVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneVerticle.class);

  /** An upload's temporary file that nothing wrote to for this long belongs to no live request. */
  static final java.time.Duration UPLOAD_IDLE = java.time.Duration.ofMinutes(15);
  private static final long UPLOAD_SWEEP_MS = 600_000;

  private final Config config;
  private final Clock clock;
  private Pool pool;
  private Pool denialPool;
  private BlobStore blobStore;
  private DenialAuditor denials;
  private GatewayAssembly gateway;
  private LeaderLease leader;
  private Router adminRouter;
  private volatile int adminPort;
  private volatile int gatewayPort;
  private volatile int agentApiPort;
  private volatile int metricsPort;
  private volatile String generatedAdminPassword;

  public ControlPlaneVerticle(Config config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The admin API's routes (tests enumerate them, e.g. to prove every route keeps tenants apart). */
  public java.util.List<io.vertx.ext.web.Route> adminRoutes() {
    return adminRouter.getRoutes();
  }

  public int adminPort() {
    return adminPort;
  }

  public int gatewayPort() {
    return gatewayPort;
  }

  public int agentApiPort() {
    return agentApiPort;
  }

  /** The metrics listener's port ({@code MMAAS_METRICS_PORT}), or 0 when the metrics are on the internal listener. */
  public int metricsPort() {
    return metricsPort;
  }

  /** This process's claim on the scheduler's lease, or null without the scheduler role (tests share it). */
  public LeaderLease leader() {
    return leader;
  }

  /** The gateway role's routing table (null without that role), for tests that must know it refreshed. */
  public io.mmaas.controlplane.gateway.RoutingTable routing() {
    return gateway == null ? null : gateway.routing();
  }

  /** The admin password generated on first start, or null. */
  public String generatedAdminPassword() {
    return generatedAdminPassword;
  }

  @Override
  public Future<?> start() throws Exception {
    LOG.info("starting control plane with {}", config.describe());
    if (config.databaseRole() != null) {
      LOG.warn("MMAAS_DATABASE_ROLE={}: the application's connections take that role, which a session can undo with "
          + "RESET ROLE; in production log in as the role itself (MMAAS_DATABASE_URL=postgresql://{}@…, "
          + "MMAAS_MIGRATION_DATABASE_URL as the owner)", config.databaseRole(), config.databaseRole());
    }
    pool = Database.pool(vertx, config);
    // denials and failed sign-ins (what anyone can cause without credentials) write through a small pool of their
    // own: a flood of them waits there, never for the connections admin writes and gateway key loads use
    denialPool = Database.pool(vertx, config, "mmaas-denials", config.denialPoolSize());
    AuditSigningKey auditKey = AuditSigningKey.load(config.auditSigningKey(), config.dataDir());
    AuditWriter audit = new AuditWriter(clock, auditKey.fingerprintKey());
    denials = new DenialAuditor(denialPool, audit, clock, config.denialWindowMs());
    GatewayMetrics metrics = new GatewayMetrics();
    Shared shared = new Shared(new AccessPolicy(), audit, auditKey, new RegistryRepository(),
        new DeploymentRepository(), new ResourceLimits(new QuotaRepository()));
    blobStore = blobStore();
    RegistryService registry = new RegistryService(vertx, pool, shared.registryRepo(), blobStore,
        new UploadFiles(config.dataDir().resolve("blobs").resolve("tmp")), shared.policy(), audit, shared.limits(),
        shared.deploymentRepo(), config.maxModelBytes(), clock);
    AgentService agents = new AgentService(pool, new AgentRepository(), new AgentSecrets(config.agentServingSecrets()),
        shared.policy(), audit, denials, clock, config.agentLeaseSeconds(), config.heartbeatIntervalSeconds());
    // everything is built before the first database call: building needs no database, and a slow start (class
    // loading on a busy machine) then never holds the event loop while a connection attempt waits on it
    AdminApi adminApi = has(Role.ADMIN) ? adminApi(shared, registry, agents) : null;
    GatewayAssembly gateway = has(Role.GATEWAY) ? new GatewayAssembly(vertx, config, pool, denials, metrics, clock) : null;
    leader = has(Role.SCHEDULER) ? leader(metrics) : null;
    Scheduler scheduler = has(Role.SCHEDULER) ? scheduler(metrics, audit) : null;
    this.gateway = gateway;

    Future<?> started = config.migrate()
        ? Database.migrate(vertx, config).onSuccess(n -> LOG.info("database migrated ({} migration(s) applied now)", n))
        : Future.succeededFuture();
    if (has(Role.ADMIN)) {
      started = started.compose(v -> startAdmin(adminApi, registry)).onSuccess(s -> adminPort = s.actualPort());
    }
    if (gateway != null) {
      started = started.compose(v -> gateway.start()).onSuccess(s -> gatewayPort = s.actualPort());
    }
    Router internal = ApiRouters.internal(vertx, config, pool, denials, metrics,
        has(Role.AGENT_API) ? new AgentApiHandler(agents, registry.blobs()) : null);
    return started
        .compose(v -> listen(internal, config.agentApiPort()))
        .onSuccess(s -> agentApiPort = s.actualPort())
        .compose(s -> config.metricsPort() == null ? Future.succeededFuture()
            : listen(ApiRouters.metrics(vertx, config, pool, denials, metrics), config.metricsPort())
                .onSuccess(m -> metricsPort = m.actualPort()))
        .compose(s -> scheduler == null ? Future.succeededFuture() : startScheduler(scheduler, shared, registry))
        .onSuccess(v -> {
          vertx.setPeriodic(Math.max(1_000, config.denialWindowMs() / 2), id -> denials.flush());
          LOG.info("control plane ready: admin API {} · gateway {} · internal ({}) {} · roles {}{}",
              url(adminPort), url(gatewayPort), metricsPort == 0 ? "agent API, metrics" : "agent API",
              url(agentApiPort), Role.describe(config.roles()),
              metricsPort == 0 ? "" : " · metrics " + url(metricsPort));
        });
  }

  /** The artifact store {@code MMAAS_BLOB_STORE} names (PostgreSQL through a small pool of its own by default). */
  private BlobStore blobStore() throws java.io.IOException {
    return switch (config.blobs().store()) {
      case "file" -> new FileBlobStore(vertx, config.dataDir().resolve("blobs"));
      case "s3" -> new S3BlobStore(vertx, config.blobs().s3());
      // a transfer waits longer for one of its few connections than a request does for the main pool's
      default -> new PostgresBlobStore(vertx, Database.pool(vertx, config, "mmaas-blobs", config.blobs().dbPoolSize(),
          Math.max(30_000, config.db().poolWaitMs())), config.blobs().dbPoolSize(), clock);
    };
  }

  /** The blob store this process uses (tests read what it holds). */
  public BlobStore blobs() {
    return blobStore;
  }

  private boolean has(Role role) {
    return config.roles().contains(role);
  }

  /** A listener's base URL as logged, or "-" when this process does not run it. */
  private String url(int port) {
    return port == 0 ? "-" : "http://" + config.host() + ":" + port;
  }

  /** What several roles use: one policy, one audit writer and key, the registry's and deployments' SQL. */
  private record Shared(AccessPolicy policy, AuditWriter audit, AuditSigningKey auditKey,
                        RegistryRepository registryRepo, DeploymentRepository deploymentRepo,
                        ResourceLimits limits) {
  }

  /** The admin role's API: its services, handlers and router, and the auth service that bootstraps the first admin. */
  private record AdminApi(AuthService auth, Router router) {
  }

  private AdminApi adminApi(Shared s, RegistryService registry, AgentService agents) {
    AccessPolicy policy = s.policy();
    AuditWriter audit = s.audit();
    TenantRepository tenantRepo = new TenantRepository();
    ApiKeyRepository keyRepo = new ApiKeyRepository();
    QuotaRepository quotaRepo = new QuotaRepository();
    UserRepository userRepo = new UserRepository();
    SessionRepository sessionRepo = new SessionRepository();
    PasswordHasher hasher = new PasswordHasher();
    Tokens tokens = new Tokens(vertx, config.jwtKeys(), config.jwtTtlSeconds(), clock);
    AuthService auth = new AuthService(vertx, pool, denialPool, userRepo, sessionRepo, tenantRepo, hasher, tokens,
        new SignInThrottle(clock), audit, denials, clock);
    UserService users = new UserService(vertx, pool, userRepo, sessionRepo, hasher, policy, audit, clock);
    TenantService tenants = new TenantService(pool, tenantRepo, policy, audit, denials, clock);
    QuotaService quotas = new QuotaService(pool, quotaRepo, keyRepo, policy, audit, clock);
    ApiKeyService keys = new ApiKeyService(pool, keyRepo, quotaRepo, policy, audit, clock);
    DeploymentService deployments = new DeploymentService(pool, s.deploymentRepo(), s.registryRepo(), policy,
        audit, s.limits(), clock);
    AuditService auditService = new AuditService(vertx, pool, new AuditRepository(pool), new CheckpointRepository(),
        policy, audit, s.auditKey().trustedKeys(config.auditTrustedPublicKeys()));
    Router admin = ApiRouters.admin(vertx, config, pool, denials, new ApiRouters.AdminHandlers(new AuthHandler(auth),
        new UserHandler(users), new TenantHandler(tenants), new ApiKeyHandler(keys), new QuotaHandler(quotas),
        new UsageHandler(pool, new UsageRepository(), policy, clock), new RegistryHandler(registry, config.maxModelBytes()),
        new DeploymentHandler(deployments), new AgentAdminHandler(agents),
        new AuditHandler(auditService, s.auditKey().publicKey())));
    adminRouter = admin;
    return new AdminApi(auth, admin);
  }

  /** The admin role: the first admin, leftover uploads swept, the admin API listening. */
  private Future<HttpServer> startAdmin(AdminApi api, RegistryService registry) {
    return api.auth().bootstrapAdmin(config.adminUsername(), config.adminPassword())
        .onSuccess(generated -> {
          generatedAdminPassword = generated;
          if (generated != null) {
            System.out.println("\n==> First start: platform admin '" + config.adminUsername()
                + "' created with the generated password: " + generated + "\n    (shown only this once)\n");
          }
        })
        .compose(v -> sweepUploads(registry))
        .compose(v -> listen(api.router(), config.adminPort()))
        .onSuccess(server -> vertx.setPeriodic(UPLOAD_SWEEP_MS, id -> sweepUploads(registry)));
  }

  /** The scheduler's lease: who runs the leader-only work, with its fencing epoch. */
  private LeaderLease leader(GatewayMetrics metrics) {
    LeaderLease lease = new LeaderLease(vertx, pool, LeaderLease.SCHEDULER, LeaderLease.holderId(),
        java.time.Duration.ofSeconds(config.leaderLeaseSeconds()));
    metrics
        .gauge("mmaas_leader", "1 while this process holds the scheduler's leader lease (placement, agent leases, "
            + "audit checkpoints, blob collection).", () -> lease.isLeader() ? 1 : 0)
        .gauge("mmaas_leader_epoch", "The epoch (fencing token) of this process's current or last leader term; 0 if "
            + "it never led.", lease::epoch)
        .counter("mmaas_leader_elections_total", "Times this process became leader.", lease::elections)
        .counter("mmaas_leader_fenced_writes_total", "Leader-only writes refused because a newer leader exists or "
            + "this process's lease lapsed (rolled back).", lease::fencedWrites);
    return lease;
  }

  private Scheduler scheduler(GatewayMetrics metrics, AuditWriter audit) {
    Scheduler scheduler = new Scheduler(pool, leader, audit, clock,
        java.time.Duration.ofSeconds(config.agentLeaseSeconds()),
        java.time.Duration.ofSeconds(config.heartbeatIntervalSeconds()), config.agentUnapprovedMemoryBytes());
    metrics
        .gauge("mmaas_scheduler_holding_back", "1 while most agents look dead at once and the scheduler releases "
            + "no replicas (full disruption).", () -> scheduler.holdingBack() ? 1 : 0)
        .gauge("mmaas_scheduler_disruptions", "Full-disruption episodes since start.", scheduler::disruptions)
        .gauge("mmaas_scheduler_judging_leases", "1 once the scheduler has observed heartbeats for a full lease "
            + "period since it last regained the database.", () -> scheduler.judgingLeases() ? 1 : 0);
    return scheduler;
  }

  /**
   * The scheduler role's periodic jobs: placement and leases, blob collection, audit checkpoints. All run in every
   * scheduler process and act only in the one holding the lease; a new leader places at once.
   */
  private Future<Boolean> startScheduler(Scheduler scheduler, Shared s, RegistryService registry) {
    io.mmaas.controlplane.registry.BlobCollector blobCollector = new io.mmaas.controlplane.registry.BlobCollector(
        vertx, pool, leader, s.registryRepo(), registry.blobs(), s.audit(), clock);
    CheckpointJob checkpoints = new CheckpointJob(pool, leader, new CheckpointRepository(), s.auditKey(), clock);
    leader.onElected(() -> scheduler.tick().onFailure(e -> LOG.warn("scheduler tick failed: {}", e.getMessage())));
    vertx.setPeriodic(config.schedulerIntervalMs(), id -> scheduler.tick()
        .onFailure(e -> LOG.warn("scheduler tick failed: {}", e.getMessage())));
    vertx.setPeriodic(config.blobGcIntervalMs(), id -> blobCollector.collect()
        .onFailure(e -> LOG.warn("blob collection failed: {}", e.getMessage())));
    vertx.setPeriodic(config.auditCheckpointIntervalMs(), id -> checkpoints.tick()
        .onFailure(e -> LOG.warn("audit checkpoint failed: {}", e.getMessage())));
    return leader.start();
  }

  @Override
  public Future<?> stop() {
    if (denialPool != null) {
      denialPool.close();
    }
    if (blobStore != null) {
      blobStore.close();
    }
    Future<Void> left = leader == null || pool == null ? Future.succeededFuture() : leader.stop();
    left = gateway == null || pool == null ? left : left.compose(v -> gateway.stop());
    return pool == null ? left : left.compose(v -> pool.close());
  }

  /** Leftovers of uploads that died with a process (or a disk error) are deleted at start and then every 10 min. */
  private Future<Void> sweepUploads(RegistryService registry) {
    return vertx.executeBlocking(() -> registry.uploads().sweepTemp(UPLOAD_IDLE), false)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("deleted {} abandoned upload file(s) from {}", n, registry.uploads().tempDir());
          }
        })
        .onFailure(e -> LOG.warn("could not sweep abandoned uploads: {}", e.getMessage()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private Future<HttpServer> listen(Router router, int port) {
    return vertx.createHttpServer(serverOptions(config, port)).requestHandler(router).listen();
  }

  /**
   * The admin and internal listeners: HTTP/1.1 only. With cleartext HTTP/2 on, a request asking to upgrade
   * ({@code Upgrade: h2c}, as some clients send on their first request) has its whole body read into memory before
   * it is handled, so a model upload or any large body would bypass the streaming and the size limit.
   */
  static HttpServerOptions serverOptions(Config config, int port) {
    return new HttpServerOptions().setHost(config.host()).setPort(port).setMaxHeaderSize(16 * 1024)
        .setIdleTimeout(120).setHttp2ClearTextEnabled(false);
  }
}
