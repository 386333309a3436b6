package io.mmaas.controlplane.deployments;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Deployment routes under {@code /api/v1/tenants/:tenant/deployments}. */
public final class DeploymentHandler {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
  private static final Set<String> RUNTIME_FIELDS = Set.of("intraOpThreads", "interOpThreads", "executionProvider",
      "maxBatchSize", "maxQueueDelayMicros");

  private final DeploymentService deployments;

  public DeploymentHandler(DeploymentService deployments) {
    this.deployments = deployments;
  }

  public void create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("model", "version", "alias", "replicas", "runtime"));
    String model = Bodies.requiredString(body, "model", NAME, "must be a model name");
    Integer version = Bodies.optionalInt(body, "version", 1, Integer.MAX_VALUE);
    String alias = Bodies.optionalString(body, "alias", Pattern.compile("[a-z][a-z0-9_-]{0,62}"), "must be an alias name");
    if (version != null && alias != null) {
      throw new InvalidInputException("give a version or an alias, not both");
    }
    Integer replicas = Bodies.optionalInt(body, "replicas", 1, 64);
    Responses.reply(ctx, 201, deployments.create(Callers.of(ctx), TenantHandler.tenant(ctx), model, version, alias,
        replicas == null ? 1 : replicas, runtime(body)).map(Deployment::toJson));
  }

  public void list(RoutingContext ctx) {
    Responses.reply(ctx, 200, deployments.list(Callers.of(ctx), TenantHandler.tenant(ctx), Pages.from(ctx))
        .map(p -> p.toJson(Deployment::toJson)));
  }

  public void get(RoutingContext ctx) {
    Responses.reply(ctx, 200, deployments.get(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx))
        .map(Deployment::toJson));
  }

  /** PATCH: {@code {"replicas"?, "runtime"?, "targets"?: [{"version", "weight", "replicas"?}]}}. */
  public void update(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("replicas", "runtime", "targets"));
    Integer replicas = Bodies.optionalInt(body, "replicas", 1, 64);
    List<DeploymentService.TargetSpec> targets = null;
    JsonArray array = Bodies.optionalArray(body, "targets");
    if (array != null) {
      if (array.isEmpty() || array.size() > 16) {
        throw new InvalidInputException("targets must have 1 to 16 entries");
      }
      targets = new ArrayList<>();
      for (Object o : array) {
        if (!(o instanceof JsonObject t)) {
          throw new InvalidInputException("targets must be objects");
        }
        for (String f : t.fieldNames()) {
          if (!Set.of("version", "weight", "replicas").contains(f)) {
            throw new InvalidInputException("field 'targets[]." + f + "' is not allowed here");
          }
        }
        Integer version = Bodies.optionalInt(t, "version", 1, Integer.MAX_VALUE);
        Integer weight = Bodies.optionalInt(t, "weight", 0, 100);
        if (version == null || weight == null) {
          throw new InvalidInputException("each target needs a version and a weight");
        }
        targets.add(new DeploymentService.TargetSpec(version, weight, Bodies.optionalInt(t, "replicas", 0, 64)));
      }
    }
    if (replicas == null && targets == null && body.getValue("runtime") == null) {
      throw new InvalidInputException("give replicas, runtime or targets");
    }
    Responses.reply(ctx, 200, deployments.update(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx), targets,
        replicas, body.getValue("runtime") == null ? null : runtime(body)).map(Deployment::toJson));
  }

  /** POST rollout: {@code {"version", "weight", "replicas"?}} — a canary, or a gradual move. */
  public void rollout(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("version", "weight", "replicas"));
    Integer version = Bodies.optionalInt(body, "version", 1, Integer.MAX_VALUE);
    Integer weight = Bodies.optionalInt(body, "weight", 1, 100);
    if (version == null || weight == null) {
      throw new InvalidInputException("give version and weight");
    }
    Responses.reply(ctx, 200, deployments.rollout(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx), version, weight,
        Bodies.optionalInt(body, "replicas", 1, 64)).map(Deployment::toJson));
  }

  public void promote(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("version"));
    Integer version = Bodies.optionalInt(body, "version", 1, Integer.MAX_VALUE);
    if (version == null) {
      throw new InvalidInputException("give the version to promote");
    }
    Responses.reply(ctx, 200, deployments.promote(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx), version)
        .map(Deployment::toJson));
  }

  public void retry(RoutingContext ctx) {
    Responses.reply(ctx, 200, deployments.retry(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx))
        .map(Deployment::toJson));
  }

  public void rollback(RoutingContext ctx) {
    Responses.reply(ctx, 200, deployments.rollback(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx))
        .map(Deployment::toJson));
  }

  public void delete(RoutingContext ctx) {
    deployments.delete(Callers.of(ctx), TenantHandler.tenant(ctx), id(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private static UUID id(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("deployment not found");
    }
  }

  private static JsonObject runtime(JsonObject body) {
    Object value = body.getValue("runtime");
    if (value == null) {
      return new JsonObject().put("intraOpThreads", 1).put("interOpThreads", 1);
    }
    if (!(value instanceof JsonObject runtime)) {
      throw new InvalidInputException("field 'runtime' must be an object");
    }
    for (String f : runtime.fieldNames()) {
      if (!RUNTIME_FIELDS.contains(f)) {
        throw new InvalidInputException("field 'runtime." + f + "' is not allowed here");
      }
    }
    JsonObject out = new JsonObject()
        .put("intraOpThreads", orDefault(Bodies.optionalInt(runtime, "intraOpThreads", 1, 64), 1))
        .put("interOpThreads", orDefault(Bodies.optionalInt(runtime, "interOpThreads", 1, 64), 1));
    Integer maxBatch = Bodies.optionalInt(runtime, "maxBatchSize", 1, 1024);
    Integer delay = Bodies.optionalInt(runtime, "maxQueueDelayMicros", 0, 1_000_000);
    if (maxBatch != null) {
      out.put("maxBatchSize", maxBatch);
    }
    if (delay != null) {
      out.put("maxQueueDelayMicros", delay);
    }
    String ep = Bodies.optionalString(runtime, "executionProvider", Pattern.compile("auto|cpu|cuda"),
        "must be one of auto, cpu, cuda");
    if (ep != null) {
      out.put("executionProvider", ep);
    }
    return out;
  }

  private static int orDefault(Integer v, int d) {
    return v == null ? d : v;
  }
}
