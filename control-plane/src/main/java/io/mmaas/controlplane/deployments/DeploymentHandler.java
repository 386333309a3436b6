package io.mmaas.controlplane.deployments;

import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Pages;
import io.mmaas.controlplane.http.Responses;
import io.mmaas.controlplane.tenants.TenantHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Deployment routes under {@code /api/v1/tenants/:tenant/deployments}. */
public final class DeploymentHandler {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
  private static final Set<String> RUNTIME_FIELDS = Set.of("intraOpThreads", "interOpThreads", "executionProvider");

  private final DeploymentService deployments;

  public DeploymentHandler(DeploymentService deployments) {
    this.deployments = deployments;
  }

  public void create(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("model", "version", "replicas", "runtime"));
    String model = Bodies.requiredString(body, "model", NAME, "must be a model name");
    Integer version = Bodies.optionalInt(body, "version", 1, Integer.MAX_VALUE);
    Integer replicas = Bodies.optionalInt(body, "replicas", 1, 64);
    Responses.reply(ctx, 201, deployments.create(Callers.of(ctx), TenantHandler.tenant(ctx), model, version,
        replicas == null ? 1 : replicas, runtime(body)).map(Deployment::toJson));
  }

  public void list(RoutingContext ctx) {
    Responses.reply(ctx, 200, deployments.list(Callers.of(ctx), TenantHandler.tenant(ctx), Pages.from(ctx))
        .map(p -> p.toJson(Deployment::toJson)));
  }

  public void get(RoutingContext ctx) {
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("deployment not found");
    }
    Responses.reply(ctx, 200, deployments.get(Callers.of(ctx), TenantHandler.tenant(ctx), id).map(Deployment::toJson));
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
