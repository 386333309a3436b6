package io.mmaas.controlplane.agents;

import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;

/** Platform-admin routes for the fleet: enrollment tokens and the list of agents. */
public final class AgentAdminHandler {
  private static final Pattern NAME = Pattern.compile("(?s).{1,200}");

  private final AgentService agents;

  public AgentAdminHandler(AgentService agents) {
    this.agents = agents;
  }

  public void createEnrollmentToken(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("name", "ttlSeconds", "singleUse"));
    String name = Bodies.optionalString(body, "name", NAME, "must have 1 to 200 characters");
    Integer ttl = Bodies.optionalInt(body, "ttlSeconds", 60, 30 * 86_400);
    Object singleUse = body.getValue("singleUse");
    if (singleUse != null && !(singleUse instanceof Boolean)) {
      throw new io.mmaas.controlplane.errors.InvalidInputException("field 'singleUse' must be true or false");
    }
    Responses.reply(ctx, 201, agents.createEnrollmentToken(Callers.of(ctx), name == null ? "enrollment" : name,
        Duration.ofSeconds(ttl == null ? 86_400 : ttl), Boolean.TRUE.equals(singleUse)));
  }

  public void tokens(RoutingContext ctx) {
    Responses.reply(ctx, 200, agents.tokens(Callers.of(ctx)).map(a -> new JsonObject().put("items", a)
        .put("nextCursor", null)));
  }

  public void revokeToken(RoutingContext ctx) {
    java.util.UUID id;
    try {
      id = java.util.UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new io.mmaas.controlplane.errors.NotFoundException("enrollment token not found");
    }
    agents.revokeToken(Callers.of(ctx), id).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  public void disable(RoutingContext ctx) {
    agents.disable(Callers.of(ctx), agentId(ctx)).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  public void approve(RoutingContext ctx) {
    Responses.reply(ctx, 200, agents.approve(Callers.of(ctx), agentId(ctx)));
  }

  public void rotateServingKey(RoutingContext ctx) {
    Responses.reply(ctx, 202, agents.rotateServingKey(Callers.of(ctx), agentId(ctx)));
  }

  public void enable(RoutingContext ctx) {
    agents.enable(Callers.of(ctx), agentId(ctx)).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  public void delete(RoutingContext ctx) {
    agents.delete(Callers.of(ctx), agentId(ctx)).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static java.util.UUID agentId(RoutingContext ctx) {
    try {
      return java.util.UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw new io.mmaas.controlplane.errors.NotFoundException("agent not found");
    }
  }

  public void list(RoutingContext ctx) {
    Responses.reply(ctx, 200, agents.list(Callers.of(ctx)).map(a -> new JsonObject().put("items", a)
        .put("nextCursor", null)));
  }
}
