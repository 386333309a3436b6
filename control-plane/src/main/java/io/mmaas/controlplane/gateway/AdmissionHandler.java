package io.mmaas.controlplane.gateway;

import io.mmaas.controlplane.audit.AuditRecord;
import io.mmaas.controlplane.audit.DenialAuditor;
import io.mmaas.controlplane.auth.Actor;
import io.mmaas.controlplane.http.Callers;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs after the API key check on every data-plane request: asks the {@link Limiter} (429 with {@code Retry-After}
 * and rate-limit headers when refused), releases the concurrency slot when the request ends however it ends
 * (response sent, error, timeout, client gone), and meters the request.
 */
public final class AdmissionHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(AdmissionHandler.class);
  /** Where the proxy leaves the agent's time for the meter. */
  public static final String UPSTREAM_MS = "upstreamMs";

  private final Limiter limiter;
  private final UsageMeter meter;
  private final DenialAuditor denials;
  private final Clock clock;
  private final GatewayMetrics metrics;

  public AdmissionHandler(Limiter limiter, UsageMeter meter, DenialAuditor denials, Clock clock,
                          GatewayMetrics metrics) {
    this.metrics = metrics;
    this.limiter = limiter;
    this.meter = meter;
    this.denials = denials;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    KeyAuthenticator.Principal p = ctx.get(GatewayRoutes.PRINCIPAL);
    limiter.admit(p.tenantId(), p.key(), p.quota()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("admission failed: {}", ar.cause().getMessage());
        ctx.fail(ar.cause());
        return;
      }
      Limiter.Decision d = ar.result();
      var response = ctx.response();
      response.putHeader("RateLimit-Limit", Long.toString(d.limit()));
      Instant started = clock.instant();
      ctx.addEndHandler(v -> {
        d.release().run();
        RoutingTable.Route route = ctx.get(GatewayRoutes.ROUTE);
        Long upstream = ctx.get(UPSTREAM_MS);
        meter.record(p.tenantId(), p.key().id(), route == null ? null : route.modelId(),
            route == null ? null : route.versionId(), started, response.getStatusCode(),
            ctx.request().bytesRead(), response.bytesWritten(), upstream == null ? 0 : upstream);
      });
      if (!d.allowed()) {
        metrics.refused(d.refusal());
        denials.record(Callers.from(ctx, Actor.apiKey(p.key().id(), p.key().name(), p.tenantId())),
                AuditRecord.denied("gateway.throttled", p.tenantId(), "model", ctx.pathParam("model"),
                    new JsonObject().put("reason", d.reason())))
            .onFailure(e -> LOG.warn("could not audit a throttled request: {}", e.getMessage()));
        response.putHeader("Retry-After", Long.toString(d.retryAfterSeconds()))
            .putHeader("RateLimit-Remaining", "0")
            .putHeader("RateLimit-Reset", Long.toString(d.retryAfterSeconds()))
            .setStatusCode(429).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", d.reason()).encode());
        return;
      }
      response.putHeader("RateLimit-Remaining", Long.toString(d.remaining()));
      ctx.next();
    });
  }
}
