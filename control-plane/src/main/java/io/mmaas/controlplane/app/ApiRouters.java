package io.mmaas.controlplane.app;

import io.mmaas.controlplane.agents.AgentAdminHandler;
import io.mmaas.controlplane.agents.AgentApiHandler;
import io.mmaas.controlplane.audit.AuditHandler;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.gateway.GatewayMetrics;
import io.mmaas.controlplane.auth.AuthHandler;
import io.mmaas.controlplane.auth.UserHandler;
import io.mmaas.controlplane.deployments.DeploymentHandler;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.ApiFailureHandler;
import io.mmaas.controlplane.http.ClientAddresses;
import io.mmaas.controlplane.http.RequestIds;
import io.mmaas.controlplane.keys.ApiKeyHandler;
import io.mmaas.controlplane.quotas.QuotaHandler;
import io.mmaas.controlplane.registry.RegistryHandler;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.mmaas.controlplane.usage.UsageHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;

/**
 * The admin API's and the internal listener's route tables: every path, its body limit and its handler, in one place to read. The
 * admin API's order matters: request id, paused body, sign-in (no token), then the token check, then per-tenant
 * resolution (the one place tenant isolation is decided), then the routes.
 */
final class ApiRouters {
  private ApiRouters() {
  }

  /** The admin API's handlers, one per feature. */
  record AdminHandlers(AuthHandler auth, UserHandler users, TenantHandler tenants, ApiKeyHandler keys,
                       QuotaHandler quotas, UsageHandler usage, RegistryHandler registry,
                       DeploymentHandler deployments, AgentAdminHandler agents, AuditHandler audit) {
  }

  static Router admin(Vertx vertx, Config config, Pool pool, DenialAuditor denials, AdminHandlers h) {
    AuthHandler auth = h.auth();
    UserHandler users = h.users();
    TenantHandler tenants = h.tenants();
    ApiKeyHandler keys = h.keys();
    QuotaHandler quotas = h.quotas();
    UsageHandler usage = h.usage();
    RegistryHandler registry = h.registry();
    DeploymentHandler deployments = h.deployments();
    AgentAdminHandler agents = h.agents();
    AuditHandler audit = h.audit();
    Router r = Router.router(vertx);
    BodyHandler json = BodyHandler.create(false).setBodyLimit(config.maxJsonBytes());
    r.route().handler(new RequestIds());
    r.route().handler(new ClientAddresses(config.trustedProxies()));
    r.route().handler(new RequestDeadline(vertx, config.db().adminRequestTimeoutMs()));
    // Bodies wait while authentication and tenant checks run; BodyHandler or the upload stream resume them.
    r.route().handler(ctx -> {
      ctx.request().pause();
      ctx.next();
    });
    r.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    r.get("/health/ready").handler(ctx -> pool.query("SELECT 1").execute()
        .onSuccess(x -> ctx.json(new JsonObject().put("status", "UP").put("database", "UP")))
        .onFailure(e -> ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("status", "DOWN").put("database", "DOWN").encode())));
    r.post("/api/v1/auth/login").handler(json).handler(auth::login);
    r.get("/api/v1/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
        .end(io.vertx.core.buffer.Buffer.buffer(openApi())));
    r.route("/api/v1/*").handler(auth::authenticate);
    r.get("/api/v1/me").handler(auth::me);
    r.post("/api/v1/me/password").handler(json).handler(auth::changePassword);
    r.post("/api/v1/auth/logout").handler(auth::logout);
    r.post("/api/v1/users").handler(json).handler(users::createPlatformUser);
    r.get("/api/v1/users").handler(users::listPlatform);
    r.get("/api/v1/users/:id").handler(users::getPlatform);
    r.post("/api/v1/users/:id/disable").handler(users::disable);
    r.post("/api/v1/users/:id/enable").handler(users::enable);
    r.post("/api/v1/tenants").handler(json).handler(tenants::create);
    r.get("/api/v1/tenants").handler(tenants::list);
    r.route("/api/v1/tenants/:tenant").handler(tenants::scope);
    r.route("/api/v1/tenants/:tenant/*").handler(tenants::scope);
    r.get("/api/v1/tenants/:tenant").handler(tenants::get);
    r.post("/api/v1/tenants/:tenant/suspend").handler(tenants::suspend);
    r.post("/api/v1/tenants/:tenant/resume").handler(tenants::resume);
    r.get("/api/v1/tenants/:tenant/quota").handler(quotas::get);
    r.put("/api/v1/tenants/:tenant/quota").handler(json).handler(quotas::update);
    r.get("/api/v1/tenants/:tenant/usage").handler(usage::get);
    r.post("/api/v1/tenants/:tenant/users").handler(json).handler(users::createTenantUser);
    r.get("/api/v1/tenants/:tenant/users").handler(users::listTenant);
    r.get("/api/v1/tenants/:tenant/users/:id").handler(users::getTenant);
    r.post("/api/v1/tenants/:tenant/api-keys").handler(json).handler(keys::create);
    r.get("/api/v1/tenants/:tenant/api-keys").handler(keys::list);
    r.get("/api/v1/tenants/:tenant/api-keys/:id").handler(keys::get);
    r.delete("/api/v1/tenants/:tenant/api-keys/:id").handler(keys::revoke);
    r.post("/api/v1/tenants/:tenant/api-keys/:id/rotate").handler(json).handler(keys::rotate);
    r.post("/api/v1/tenants/:tenant/models").handler(json).handler(registry::createModel);
    r.get("/api/v1/tenants/:tenant/models").handler(registry::listModels);
    r.get("/api/v1/tenants/:tenant/models/:model").handler(registry::getModel);
    r.post("/api/v1/tenants/:tenant/models/:model/versions").handler(registry::upload);
    r.get("/api/v1/tenants/:tenant/models/:model/versions").handler(registry::listVersions);
    r.get("/api/v1/tenants/:tenant/models/:model/versions/:version").handler(registry::getVersion);
    r.delete("/api/v1/tenants/:tenant/models/:model/versions/:version").handler(registry::deleteVersion);
    r.patch("/api/v1/tenants/:tenant/models/:model/versions/:version").handler(json).handler(registry::annotateVersion);
    r.get("/api/v1/tenants/:tenant/models/:model/versions/:version/diff").handler(registry::diff);
    r.delete("/api/v1/tenants/:tenant/models/:model").handler(registry::deleteModel);
    r.get("/api/v1/tenants/:tenant/models/:model/aliases").handler(registry::aliases);
    r.put("/api/v1/tenants/:tenant/models/:model/aliases/:alias").handler(json).handler(registry::setAlias);
    r.delete("/api/v1/tenants/:tenant/models/:model/aliases/:alias").handler(registry::deleteAlias);
    r.post("/api/v1/tenants/:tenant/deployments").handler(json).handler(deployments::create);
    r.get("/api/v1/tenants/:tenant/deployments").handler(deployments::list);
    r.get("/api/v1/tenants/:tenant/deployments/:id").handler(deployments::get);
    r.patch("/api/v1/tenants/:tenant/deployments/:id").handler(json).handler(deployments::update);
    r.delete("/api/v1/tenants/:tenant/deployments/:id").handler(deployments::delete);
    r.post("/api/v1/tenants/:tenant/deployments/:id/rollout").handler(json).handler(deployments::rollout);
    r.post("/api/v1/tenants/:tenant/deployments/:id/promote").handler(json).handler(deployments::promote);
    r.post("/api/v1/tenants/:tenant/deployments/:id/rollback").handler(json).handler(deployments::rollback);
    r.post("/api/v1/tenants/:tenant/deployments/:id/retry").handler(json).handler(deployments::retry);
    r.post("/api/v1/agents/enrollment-tokens").handler(json).handler(agents::createEnrollmentToken);
    r.get("/api/v1/agents/enrollment-tokens").handler(agents::tokens);
    r.delete("/api/v1/agents/enrollment-tokens/:id").handler(agents::revokeToken);
    r.get("/api/v1/agents").handler(agents::list);
    r.post("/api/v1/agents/:id/disable").handler(agents::disable);
    r.post("/api/v1/agents/:id/enable").handler(agents::enable);
    r.post("/api/v1/agents/:id/approve").handler(agents::approve);
    r.post("/api/v1/agents/:id/rotate-serving-key").handler(agents::rotateServingKey);
    r.delete("/api/v1/agents/:id").handler(agents::delete);
    r.get("/api/v1/audit-events").handler(audit::list);
    r.get("/api/v1/audit-events/verify").handler(audit::verify);
    r.get("/api/v1/audit-events/export").handler(audit::export);
    r.get("/api/v1/audit-events/checkpoints").handler(audit::checkpoints);
    r.get("/api/v1/audit-events/public-key").handler(audit::publicKey);
    r.route().last().handler(ctx -> ctx.fail(new NotFoundException("no such route: " + ctx.request().path())));
    r.route().failureHandler(new ApiFailureHandler(denials));
    return r;
  }

  static byte[] openApi() {
    try (var in = ApiRouters.class.getResourceAsStream("/openapi/admin-api.yaml")) {
      return in.readAllBytes();
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("openapi/admin-api.yaml missing from the jar", e);
    }
  }

  /**
   * The internal listener every process has, facing the cluster's internal network (agents, the operators' scraper
   * and probes), never applications or browsers: {@code /health/live}, {@code /health/ready}, Prometheus metrics at
   * {@code GET /metrics} unless they have a listener of their own ({@code MMAAS_METRICS_PORT}), and the agent API
   * when this process runs that role ({@code api} not null).
   */
  static Router internal(Vertx vertx, Config config, Pool pool, DenialAuditor denials, GatewayMetrics metrics,
                         AgentApiHandler api) {
    Router r = Router.router(vertx);
    if (config.metricsPort() == null) {
      scrape(r, metrics);
    }
    health(r, config, pool);
    if (api == null) {
      return notFound(r, denials);
    }
    BodyHandler json = BodyHandler.create(false).setBodyLimit(config.maxJsonBytes());
    r.route().handler(new RequestIds());
    r.route().handler(new ClientAddresses(config.trustedProxies()));
    // Bodies wait while authentication and tenant checks run; BodyHandler or the upload stream resume them.
    r.route().handler(ctx -> {
      ctx.request().pause();
      ctx.next();
    });
    r.post("/agent/v1/enroll").handler(json).handler(api::enroll);
    r.route("/agent/v1/*").handler(api::authenticate);
    r.post("/agent/v1/heartbeat").handler(json).handler(api::heartbeat);
    r.get("/agent/v1/artifacts/:sha256").handler(api::artifact);
    return notFound(r, denials);
  }

  /**
   * The metrics listener, when {@code MMAAS_METRICS_PORT} is set: {@code GET /metrics} and the health checks, nothing
   * else, so the scraper's network peers never reach the agent API on the internal listener.
   */
  static Router metrics(Vertx vertx, Config config, Pool pool, DenialAuditor denials, GatewayMetrics metrics) {
    Router r = Router.router(vertx);
    scrape(r, metrics);
    health(r, config, pool);
    return notFound(r, denials);
  }

  private static void scrape(Router r, GatewayMetrics metrics) {
    r.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
  }

  /** Live, and ready: ready needs the database, except in a process that only runs gateways (last-known state). */
  private static void health(Router r, Config config, Pool pool) {
    JsonArray roles = new JsonArray();
    config.roles().forEach(role -> roles.add(role.label()));
    boolean needsDatabase = !config.roles().equals(java.util.Set.of(Role.GATEWAY));
    r.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP").put("roles", roles)));
    r.get("/health/ready").handler(ctx -> pool.query("SELECT 1").execute()
        .map("UP").otherwise("DOWN")
        .onSuccess(database -> {
          boolean ready = !needsDatabase || "UP".equals(database);
          ctx.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "application/json")
              .end(new JsonObject().put("status", ready ? "UP" : "DOWN").put("roles", roles)
                  .put("database", database).encode());
        }));
  }

  private static Router notFound(Router r, DenialAuditor denials) {
    r.route().last().handler(ctx -> ctx.fail(new NotFoundException("no such route: " + ctx.request().path())));
    r.route().failureHandler(new ApiFailureHandler(denials));
    return r;
  }
}
