package io.mmaas.controlplane.agents;

import io.mmaas.controlplane.auth.Actor;
import io.mmaas.controlplane.errors.InvalidInputException;
import io.mmaas.controlplane.errors.NotFoundException;
import io.mmaas.controlplane.errors.UnauthorizedException;
import io.mmaas.controlplane.http.Bodies;
import io.mmaas.controlplane.http.Callers;
import io.mmaas.controlplane.http.Responses;
import io.mmaas.controlplane.blobs.BlobStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The agent API ({@code /agent/v1}): enroll, heartbeat, artifacts. Every route but enroll needs the credential. */
public final class AgentApiHandler {
  private static final String AGENT = "agent";
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,200}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final Pattern ANY_URL = Pattern.compile("(?s).{1,300}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern STATE = Pattern.compile("DOWNLOADING|LOADING|READY|FAILED");
  private static final Pattern REASON = Pattern.compile("(?s).{0,1000}");
  private static final Pattern EP = Pattern.compile("[A-Za-z0-9_]{1,32}");

  private final AgentService agents;
  private final BlobStore blobs;

  public AgentApiHandler(AgentService agents, BlobStore blobs) {
    this.agents = agents;
    this.blobs = blobs;
  }

  public void enroll(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx, Set.of("token", "name", "servingUrl", "capabilities"));
    String token = Bodies.requiredString(body, "token", TOKEN, "is not an enrollment token");
    String name = Bodies.requiredString(body, "name", NAME, "must be 1-100 letters, digits, '.', '_' or '-'");
    String url = ServingUrls.validate("servingUrl", Bodies.requiredString(body, "servingUrl", ANY_URL,
        "must be an http(s) URL"));
    Responses.reply(ctx, 201, agents.enroll(Callers.from(ctx, Actor.anonymous(name)), token, name, url,
        capabilities(body)));
  }

  /** Checks the agent credential and stores the agent on the context. */
  public void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String credential = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    agents.authenticate(credential).onSuccess(agent -> {
      ctx.put(AGENT, agent);
      ctx.put(Callers.KEY, Callers.from(ctx, Actor.agent(agent.id(), agent.name())));
      ctx.next();
    }).onFailure(ctx::fail);
  }

  public void heartbeat(RoutingContext ctx) {
    Agent agent = ctx.get(AGENT);
    JsonObject body = Bodies.object(ctx, Set.of("agentId", "servingUrl", "generation", "executionProvider",
        "capabilities", "replicas", "servingKeyGeneration"));
    String claimed = body.getString("agentId");
    if (claimed != null && !claimed.equals(agent.id().toString())) {
      throw new UnauthorizedException("credential does not belong to agent " + claimed);
    }
    String url = Bodies.optionalString(body, "servingUrl", ANY_URL, "must be an http(s) URL");
    String ep = Bodies.optionalString(body, "executionProvider", EP, "must be an execution provider name");
    Integer keyGeneration = Bodies.optionalInt(body, "servingKeyGeneration", 0, Integer.MAX_VALUE);
    JsonArray replicas = Bodies.optionalArray(body, "replicas");
    List<AgentService.Report> reports = new ArrayList<>();
    if (replicas != null) {
      if (replicas.size() > 10_000) {
        throw new InvalidInputException("too many replicas in one heartbeat");
      }
      for (Object o : replicas) {
        if (!(o instanceof JsonObject r)) {
          throw new InvalidInputException("replicas must be objects");
        }
        UUID id;
        try {
          id = UUID.fromString(String.valueOf(r.getValue("replicaId")));
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException("replicaId must be a UUID");
        }
        String state = Bodies.requiredString(r, "state", STATE, "must be DOWNLOADING, LOADING, READY or FAILED");
        String reason = Bodies.optionalString(r, "reason", REASON, "must have at most 1000 characters");
        Object mem = r.getValue("memoryBytes");
        Long memory = mem instanceof Number n ? n.longValue() : null;
        String replicaUrl = Bodies.optionalString(r, "servingUrl", ANY_URL, "must be an http(s) URL");
        reports.add(new AgentService.Report(id, state, reason, memory,
            replicaUrl == null ? null : ServingUrls.validate("replicas[].servingUrl", replicaUrl),
            Boolean.TRUE.equals(r.getValue("quarantined")),
            r.getValue("retry") instanceof Number retry ? retry.intValue() : 0));
      }
    }
    Responses.reply(ctx, 200, agents.heartbeat(agent, url == null ? agent.servingUrl()
            : ServingUrls.validate("servingUrl", url),
        ep == null ? agent.executionProvider() : ep, capabilities(body), reports, keyGeneration));
  }

  public void artifact(RoutingContext ctx) {
    Agent agent = ctx.get(AGENT);
    String sha256 = ctx.pathParam("sha256");
    if (!SHA256.matcher(sha256).matches()) {
      throw new NotFoundException("artifact not found");
    }
    agents.checkArtifactAccess(agent, sha256).compose(v -> blobs.get(sha256)).onFailure(ctx::fail).onSuccess(content -> {
      if (content == null) {
        ctx.fail(new NotFoundException("artifact not found"));
        return;
      }
      var response = ctx.response().putHeader("Content-Type", "application/octet-stream");
      if (content.localFile() != null) {
        content.close();
        response.sendFile(content.localFile().toString()).onFailure(ctx::fail);
        return;
      }
      // streamed with back-pressure from the store (a chunk or two in memory); a failure half-way closes the
      // connection, so the agent sees a short body (and checks the hash anyway) rather than a clean end
      response.putHeader("Content-Length", Long.toString(content.size()));
      ctx.request().connection().closeHandler(x -> content.close());
      content.stream().pipe().endOnFailure(false).to(response).onComplete(ar -> {
        content.close();
        if (ar.failed()) {
          ctx.request().connection().close();
        }
      });
    });
  }

  private static JsonObject capabilities(JsonObject body) {
    Object caps = body.getValue("capabilities");
    if (caps == null) {
      return new JsonObject();
    }
    if (!(caps instanceof JsonObject c) || c.encode().length() > 16_384) {
      throw new InvalidInputException("capabilities must be a JSON object of at most 16 KiB");
    }
    return c;
  }
}
