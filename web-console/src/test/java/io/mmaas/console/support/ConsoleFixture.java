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

  private ConsoleFixture(Vertx vertx, FakeAdminApi api, String apiDeployment, ConsoleVerticle console) {
    this.vertx = vertx;
    this.api = api;
    this.apiDeployment = apiDeployment;
    this.console = console;
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgentEnabled(false).setFollowRedirects(false));
  }

  public static Future<ConsoleFixture> start(Vertx vertx, boolean secureCookies) {
    FakeAdminApi api = new FakeAdminApi();
    return vertx.deployVerticle(api).compose(apiId -> {
      ConsoleConfig config = ConsoleConfig.from(Map.of(
          "MMAAS_CONSOLE_PORT", "0",
          "MMAAS_CONSOLE_API_URL", api.url(),
          "MMAAS_CONSOLE_GATEWAY_URL", api.url(),
          "MMAAS_CONSOLE_SECURE_COOKIES", Boolean.toString(secureCookies)));
      ConsoleVerticle console = new ConsoleVerticle(config);
      return vertx.deployVerticle(console).map(id -> new ConsoleFixture(vertx, api, apiId, console));
    });
  }

  /** A new browser with no cookies. */
  public Browser browser() {
    return new Browser(client, console.port());
  }

  /** Stops the admin API, as when the control plane is down. */
  public Future<Void> stopApi() {
    return vertx.undeploy(apiDeployment);
  }
}
