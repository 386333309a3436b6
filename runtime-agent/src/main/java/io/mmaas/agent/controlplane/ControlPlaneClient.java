package io.mmaas.agent.controlplane;

import io.mmaas.agent.sync.DesiredState;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.function.Function;

/** Calls the control plane's agent API ({@code /agent/v1/enroll}, {@code /agent/v1/heartbeat}). */
public final class ControlPlaneClient {
  private static final long TIMEOUT_MS = 10_000;

  private final WebClient client;
  private final String baseUrl;

  public ControlPlaneClient(WebClient client, String controlPlaneUrl) {
    this.client = client;
    this.baseUrl = controlPlaneUrl.endsWith("/")
        ? controlPlaneUrl.substring(0, controlPlaneUrl.length() - 1)
        : controlPlaneUrl;
  }

  /** Enrolls with a one-time token; 201 gives the identity. */
  public Future<AgentIdentity> enroll(String token, String name, String servingUrl, Capabilities capabilities) {
    return client
        .postAbs(baseUrl + "/agent/v1/enroll")
        .timeout(TIMEOUT_MS)
        .sendJsonObject(AgentApiJson.enrollRequest(token, name, servingUrl, capabilities))
        .compose(response -> read(response, 201, AgentApiJson::identity));
  }

  /** Reports observed state; 200 gives the desired state. */
  public Future<DesiredState> heartbeat(String credential, HeartbeatReport report) {
    return beat(credential, report).map(HeartbeatAnswer::desired);
  }

  /** A heartbeat, answered by the desired state and the agent's serving key (see {@link ServingKeyRing}). */
  public Future<HeartbeatAnswer> beat(String credential, HeartbeatReport report) {
    return client
        .postAbs(baseUrl + "/agent/v1/heartbeat")
        .putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + credential)
        .timeout(TIMEOUT_MS)
        .sendJsonObject(AgentApiJson.heartbeat(report))
        .compose(response -> read(response, 200, body -> new HeartbeatAnswer(AgentApiJson.desiredState(body),
            AgentApiJson.servingKeyOffer(body))));
  }

  private static <T> Future<T> read(HttpResponse<Buffer> response, int expected, Function<JsonObject, T> parse) {
    int status = response.statusCode();
    if (status != expected) {
      return Future.failedFuture(new ControlPlaneException(status, "HTTP " + status + errorText(response)));
    }
    try {
      return Future.succeededFuture(parse.apply(response.bodyAsJsonObject()));
    } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException e) {
      return Future.failedFuture(new ControlPlaneException(0, "malformed answer from the control plane: " + e.getMessage()));
    }
  }

  private static String errorText(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      Object error = body == null ? null : body.getValue("error");
      if (error instanceof JsonObject details) {
        error = details.getValue("message");
      }
      return error == null ? "" : ": " + error;
    } catch (DecodeException e) {
      return "";
    }
  }
}
