package io.mmaas.console.support;

import io.mmaas.console.app.ConsoleConfig;
import io.mmaas.console.app.ConsoleVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;

/** The console on an ephemeral port, talking to a {@link FakeAdminApi} that runs next to it. */
public final class ConsoleFixture {
  public final Vertx vertx;
  public final FakeAdminApi api;
  public final ConsoleVerticle console;
  public final String apiDeployment;
  private final WebClient client;
  private final Map<ConsoleVerticle, String> deployments = new java.util.concurrent.ConcurrentHashMap<>();

  private ConsoleFixture(Vertx vertx, FakeAdminApi api, String apiDeployment, ConsoleVerticle console) {
    this.vertx = vertx;
    this.api = api;
    this.apiDeployment = apiDeployment;
    this.console = console;
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgentEnabled(false).setFollowRedirects(false));
  }

  public static Future<ConsoleFixture> start(Vertx vertx, boolean secureCookies) {
    return start(vertx, secureCookies, null);
  }

  /** As {@link #start(Vertx, boolean)}, with {@code MMAAS_CONSOLE_SESSION_KEYS} set to {@code sessionKeys} (or not, when null). */
  public static Future<ConsoleFixture> start(Vertx vertx, boolean secureCookies, String sessionKeys) {
    FakeAdminApi api = new FakeAdminApi();
    return vertx.deployVerticle(api).compose(apiId -> {
      ConsoleVerticle console = new ConsoleVerticle(config(api, secureCookies, sessionKeys));
      return vertx.deployVerticle(console).map(id -> new ConsoleFixture(vertx, api, apiId, console));
    });
  }

  /** Another console on the same admin API, as a replica (same keys) or a restarted process would be. */
  public Future<ConsoleVerticle> startConsole(String sessionKeys) {
    ConsoleVerticle other = new ConsoleVerticle(config(api, false, sessionKeys));
    return vertx.deployVerticle(other).map(id -> {
      deployments.put(other, id);
      return other;
    });
  }

  /** Stops a console started by {@link #startConsole(String)} (its sessions are in no memory of its own to lose). */
  public Future<Void> stopConsole(ConsoleVerticle other) {
    return vertx.undeploy(deployments.remove(other));
  }

  private static ConsoleConfig config(FakeAdminApi api, boolean secureCookies, String sessionKeys) {
    Map<String, String> env = new java.util.HashMap<>(Map.of(
        "MMAAS_CONSOLE_PORT", "0",
        "MMAAS_CONSOLE_API_URL", api.url(),
        "MMAAS_CONSOLE_GATEWAY_URL", api.url(),
        "MMAAS_CONSOLE_SECURE_COOKIES", Boolean.toString(secureCookies)));
    if (sessionKeys != null) {
      env.put("MMAAS_CONSOLE_SESSION_KEYS", sessionKeys);
    }
    return ConsoleConfig.from(env);
  }

  /** A new browser with no cookies. */
  public Browser browser() {
    return new Browser(client, console.port());
  }

  /** A new browser with no cookies, talking to {@code other}. */
  public Browser browser(ConsoleVerticle other) {
    return new Browser(client, other.port());
  }

  /** Stops the admin API, as when the control plane is down. */
  public Future<Void> stopApi() {
    return vertx.undeploy(apiDeployment);
  }
}
