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
import io.mmaas.controlplane.gateway.AdmissionHandler;
import io.mmaas.controlplane.gateway.ChangeListener;
import io.mmaas.controlplane.gateway.GatewayMembership;
import io.mmaas.controlplane.gateway.GatewayMetrics;
import io.mmaas.controlplane.gateway.GatewayRoutes;
import io.mmaas.controlplane.gateway.KeyAuthenticator;
import io.mmaas.controlplane.gateway.Limiter;
import io.mmaas.controlplane.gateway.RoutingTable;
import io.mmaas.controlplane.gateway.UsageMeter;
import io.mmaas.controlplane.keys.ApiKeyHandler;
import io.mmaas.controlplane.keys.ApiKeyRepository;
import io.mmaas.controlplane.keys.ApiKeyService;
import io.mmaas.controlplane.quotas.QuotaHandler;
import io.mmaas.controlplane.quotas.QuotaRepository;
import io.mmaas.controlplane.quotas.QuotaService;
import io.mmaas.controlplane.quotas.ResourceLimits;
import io.mmaas.controlplane.registry.FileBlobStore;
import io.mmaas.controlplane.usage.UsageHandler;
import io.mmaas.controlplane.usage.UsageRepository;
import io.mmaas.controlplane.registry.RegistryHandler;
import io.mmaas.controlplane.registry.RegistryRepository;
import io.mmaas.controlplane.registry.RegistryService;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.mmaas.controlplane.tenants.TenantRepository;
import io.mmaas.controlplane.tenants.TenantService;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the control plane: pool, migrations, first admin, repositories, services, handlers, and the three listeners
 * (admin API, data-plane gateway, agent API), plus the scheduler and the gateway's routing refresh.
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
  private ChangeListener listener;
  private DenialAuditor denials;
  private GatewayMembership membership;
  private Router adminRouter;
  private volatile int adminPort;
  private volatile int gatewayPort;
  private volatile int agentApiPort;
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
    AuditSigningKey auditKey = AuditSigningKey.load(config.auditSigningKey(), config.dataDir());
    AuditWriter audit = new AuditWriter(clock, auditKey.fingerprintKey());
    AccessPolicy policy = new AccessPolicy();
    TenantRepository tenantRepo = new TenantRepository();
    ApiKeyRepository keyRepo = new ApiKeyRepository();
    RegistryRepository registryRepo = new RegistryRepository();
    AgentRepository agentRepo = new AgentRepository();
    AgentSecrets agentSecrets = new AgentSecrets(config.agentServingSecret());
    Tokens tokens = new Tokens(vertx, config.jwtKeys(), config.jwtTtlSeconds(), clock);

    UserRepository userRepo = new UserRepository();
    SessionRepository sessionRepo = new SessionRepository();
    PasswordHasher hasher = new PasswordHasher();
    // denials and failed sign-ins (what anyone can cause without credentials) write through a small pool of their
    // own: a flood of them waits there, never for the connections admin writes and gateway key loads use
    denialPool = Database.pool(vertx, config, "mmaas-denials", config.denialPoolSize());
    DenialAuditor denials = new DenialAuditor(denialPool, audit, clock, config.denialWindowMs());
    this.denials = denials;
    AuthService auth = new AuthService(vertx, pool, denialPool, userRepo, sessionRepo, tenantRepo, hasher, tokens,
        new SignInThrottle(clock), audit, denials, clock);
    UserService users = new UserService(vertx, pool, userRepo, sessionRepo, hasher, policy, audit, clock);
    TenantService tenants = new TenantService(pool, tenantRepo, policy, audit, denials, clock);
    QuotaRepository quotaRepo = new QuotaRepository();
    ResourceLimits limits = new ResourceLimits(quotaRepo);
    QuotaService quotas = new QuotaService(pool, quotaRepo, keyRepo, policy, audit, clock);
    ApiKeyService keys = new ApiKeyService(pool, keyRepo, quotaRepo, policy, audit, clock);
    DeploymentRepository deploymentRepo = new DeploymentRepository();
    RegistryService registry = new RegistryService(vertx, pool, registryRepo,
        new FileBlobStore(config.dataDir().resolve("blobs")), policy, audit, limits, deploymentRepo,
        config.maxModelBytes(), clock);
    io.mmaas.controlplane.registry.BlobCollector blobCollector = new io.mmaas.controlplane.registry.BlobCollector(
        vertx, pool, registryRepo, registry.blobs(), audit, clock);
    DeploymentService deployments = new DeploymentService(pool, deploymentRepo, registryRepo, policy,
        audit, limits, clock);
    AgentService agents = new AgentService(pool, agentRepo, agentSecrets, policy, audit, denials, clock,
        config.agentLeaseSeconds(), config.heartbeatIntervalSeconds());
    AuditService auditService = new AuditService(vertx, pool, new AuditRepository(pool), new CheckpointRepository(),
        policy, audit, auditKey.trustedKeys(config.auditTrustedPublicKeys()));
    CheckpointJob checkpoints = new CheckpointJob(pool, new CheckpointRepository(), auditKey, clock);
    Scheduler scheduler = new Scheduler(pool, audit, clock,
        java.time.Duration.ofSeconds(config.agentLeaseSeconds()),
        java.time.Duration.ofSeconds(config.heartbeatIntervalSeconds()), config.agentUnapprovedMemoryBytes());
    RoutingTable routing = new RoutingTable(pool, agentSecrets, clock);
    KeyAuthenticator keyAuth = new KeyAuthenticator(pool, keyRepo, tenantRepo, quotaRepo, clock, 1_000, 30_000);
    GatewayMembership membership = new GatewayMembership(pool);
    this.membership = membership;
    UsageMeter meter = new UsageMeter(pool);
    Limiter limiter = new Limiter(pool, clock, membership::live);
    GatewayMetrics metrics = new GatewayMetrics()
        .gauge("mmaas_gateway_in_flight", "Data-plane requests admitted and not yet answered on this replica.",
            limiter::inFlight)
        .gauge("mmaas_gateway_replicas", "Live gateway replicas sharing each tenant's rate (this one included).",
            membership::live)
        .gauge("mmaas_gateway_cached_keys", "API keys whose state this replica holds in memory.", keyAuth::cached)
        .gauge("mmaas_gateway_routed_versions", "Model versions this replica can route to.", routing::versions)
        .gauge("mmaas_usage_pending_rows", "Usage rows waiting for the next flush.", meter::pendingRows)
        .gauge("mmaas_scheduler_holding_back", "1 while most agents look dead at once and the scheduler releases "
            + "no replicas (full disruption).", () -> scheduler.holdingBack() ? 1 : 0)
        .gauge("mmaas_scheduler_disruptions", "Full-disruption episodes since start.", scheduler::disruptions)
        .gauge("mmaas_scheduler_judging_leases", "1 once the scheduler has observed heartbeats for a full lease "
            + "period since it last regained the database.", () -> scheduler.judgingLeases() ? 1 : 0);
    AdmissionHandler admission = new AdmissionHandler(limiter, meter, denials, clock, metrics);
    listener = new ChangeListener(vertx, io.vertx.pgclient.PgConnectOptions.fromUri(config.databaseUrl()),
        ChangeListener.CHANNEL, payload -> {
          if (ChangeListener.ROUTES.equals(payload) || "*".equals(payload)) {
            routing.refreshSoon();
          }
          if (!ChangeListener.ROUTES.equals(payload)) {
            keyAuth.evict(payload);
          }
        }, keyAuth::listening);

    Router admin = ApiRouters.admin(vertx, config, pool, denials, new ApiRouters.AdminHandlers(new AuthHandler(auth),
        new UserHandler(users), new TenantHandler(tenants), new ApiKeyHandler(keys), new QuotaHandler(quotas),
        new UsageHandler(pool, new UsageRepository(), policy, clock), new RegistryHandler(registry, config.maxModelBytes()),
        new DeploymentHandler(deployments), new AgentAdminHandler(agents),
        new AuditHandler(auditService, auditKey.publicKey())));
    Router agentApi = ApiRouters.agent(vertx, config, denials, new AgentApiHandler(agents, registry.blobs()), metrics);
    adminRouter = admin;
    // One gateway per event loop, each with its own router and agent client (so a request, its call to the agent
    // and the answer stay on one thread); the key cache, limiter, meter and routing table are shared and thread-safe.
    Supplier<Router> gateway = () -> {
      Router r = new GatewayRoutes(vertx, keyAuth, routing, denials, clock,
          config.maxInferBytes(), config.gatewayTimeoutMs(), metrics).router(vertx, admission);
      // first of all: where the request comes from, for denial records (order -1 runs before the gateway's routes)
      r.route().order(-1).handler(new io.mmaas.controlplane.http.ClientAddresses(config.trustedProxies()));
      return r;
    };

    return Database.migrate(vertx, config)
        .onSuccess(n -> LOG.info("database migrated ({} migration(s) applied now)", n))
        .compose(n -> auth.bootstrapAdmin(config.adminUsername(), config.adminPassword()))
        .onSuccess(generated -> {
          generatedAdminPassword = generated;
          if (generated != null) {
            System.out.println("\n==> First start: platform admin '" + config.adminUsername()
                + "' created with the generated password: " + generated + "\n    (shown only this once)\n");
          }
        })
        .compose(v -> sweepUploads(registry))
        .compose(v -> routing.refresh())
        .compose(v -> membership.renew())
        .compose(v -> listen(admin, config.adminPort()))
        .onSuccess(s -> adminPort = s.actualPort())
        .compose(v -> listenGateway(gateway))
        .onSuccess(s -> gatewayPort = s.actualPort())
        .compose(v -> listen(agentApi, config.agentApiPort()))
        .onSuccess(s -> {
          agentApiPort = s.actualPort();
          vertx.setPeriodic(config.schedulerIntervalMs(), id -> scheduler.tick()
              .onFailure(e -> LOG.warn("scheduler tick failed: {}", e.getMessage())));
          vertx.setPeriodic(1_000, id -> routing.refresh());
          vertx.setPeriodic(5_000, id -> keyAuth.flushLastUsed()
              .onFailure(e -> LOG.warn("could not record API key use: {}", e.getMessage())));
          listener.start();
          vertx.setPeriodic(1_000, id -> membership.renew());
          vertx.setPeriodic(config.usageFlushMs(), id -> meter.flush()
              .onFailure(e -> {
                metrics.usageFlushFailed();
                LOG.warn("could not write usage: {}", e.getMessage());
              }));
          vertx.setPeriodic(Math.max(1_000, config.denialWindowMs() / 2), id -> denials.flush());
          vertx.setPeriodic(UPLOAD_SWEEP_MS, id -> sweepUploads(registry));
          vertx.setPeriodic(config.blobGcIntervalMs(), id -> blobCollector.collect()
              .onFailure(e -> LOG.warn("blob collection failed: {}", e.getMessage())));
          vertx.setPeriodic(config.auditCheckpointIntervalMs(), id -> checkpoints.tick()
              .onFailure(e -> LOG.warn("audit checkpoint failed: {}", e.getMessage())));
          LOG.info("control plane ready: admin API http://{}:{} · gateway http://{}:{} · agent API http://{}:{}",
              config.host(), adminPort, config.host(), gatewayPort, config.host(), agentApiPort);
        });
  }

  @Override
  public Future<?> stop() {
    if (listener != null) {
      listener.stop();
    }
    if (denialPool != null) {
      denialPool.close();
    }
    if (membership != null && pool != null) {
      return membership.leave().recover(e -> Future.succeededFuture()).compose(v -> pool.close());
    }
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** Leftovers of uploads that died with a process (or a disk error) are deleted at start and then every 10 min. */
  private Future<Void> sweepUploads(RegistryService registry) {
    return vertx.executeBlocking(() -> registry.blobs().sweepTemp(UPLOAD_IDLE), false)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("deleted {} abandoned upload file(s) from {}", n, registry.blobs().tempDir());
          }
        })
        .onFailure(e -> LOG.warn("could not sweep abandoned uploads: {}", e.getMessage()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private Future<HttpServer> listen(Router router, int port) {
    return vertx.createHttpServer(serverOptions(port)).requestHandler(router).listen();
  }

  private HttpServerOptions serverOptions(int port) {
    return new HttpServerOptions().setHost(config.host()).setPort(port).setMaxHeaderSize(16 * 1024)
        .setIdleTimeout(120);
  }

  /**
   * The data-plane gateway on {@code gatewayEventLoops} event loops: one server here and the others in child
   * verticles, all on the same port (Vert.x shares the listening socket and spreads connections over them; port 0
   * becomes the shared random port -1, so every server gets the same one).
   */
  private Future<HttpServer> listenGateway(Supplier<Router> gateway) {
    int loops = config.gatewayEventLoops();
    int port = config.gatewayPort() == 0 && loops > 1 ? -1 : config.gatewayPort();
    HttpServerOptions options = serverOptions(port);
    return vertx.createHttpServer(options).requestHandler(gateway.get()).listen().compose(first -> {
      if (loops == 1) {
        return Future.succeededFuture(first);
      }
      return vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          return vertx.createHttpServer(new HttpServerOptions(options)).requestHandler(gateway.get()).listen();
        }
      }, new DeploymentOptions().setInstances(loops - 1)).map(id -> first);
    });
  }
}
