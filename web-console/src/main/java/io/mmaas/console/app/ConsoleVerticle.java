package io.mmaas.console.app;

import io.mmaas.console.api.AdminApiClient;
import io.mmaas.console.api.ApiDownloads;
import io.mmaas.console.http.RequestIds;
import io.mmaas.console.http.SecurityHeaders;
import io.mmaas.console.pages.ErrorPages;
import io.mmaas.console.account.PasswordHandler;
import io.mmaas.console.agents.AgentsHandler;
import io.mmaas.console.agents.FleetReader;
import io.mmaas.console.audit.AuditHandler;
import io.mmaas.console.deployments.DeploymentActionsHandler;
import io.mmaas.console.deployments.DeploymentsHandler;
import io.mmaas.console.keys.ApiKeysHandler;
import io.mmaas.console.models.AliasesHandler;
import io.mmaas.console.models.ModelChangesHandler;
import io.mmaas.console.models.ModelsHandler;
import io.mmaas.console.models.VersionUploadHandler;
import io.mmaas.console.pages.OverviewHandler;
import io.mmaas.console.playground.GatewayClient;
import io.mmaas.console.playground.PlaygroundHandler;
import io.mmaas.console.tenants.TenantsHandler;
import io.mmaas.console.usage.UsageHandler;
import io.mmaas.console.users.UsersHandler;
import io.mmaas.console.pages.PageRenderer;
import io.mmaas.console.session.CsrfGuard;
import io.mmaas.console.session.LoginCsrf;
import io.mmaas.console.session.SessionCookies;
import io.mmaas.console.session.SessionCodec;
import io.mmaas.console.session.Sessions;
import io.mmaas.console.session.SignInHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Clock;

/** Wires the console: API client → sessions and CSRF → page handlers → router → listen. */
public final class ConsoleVerticle extends VerticleBase {

  private final ConsoleConfig config;
  private final Clock clock;
  private WebClient webClient;
  private HttpClient downloadClient;
  private HttpServer server;

  public ConsoleVerticle(ConsoleConfig config) {
    this(config, Clock.systemUTC());
  }

  public ConsoleVerticle(ConsoleConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    webClient = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(3_000)
        .setUserAgentEnabled(false)
        .setFollowRedirects(false));
    AdminApiClient api = new AdminApiClient(webClient, config.apiBase());
    downloadClient = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(3_000));
    ApiDownloads downloads = new ApiDownloads(downloadClient, config.apiBase());
    SessionCookies cookies = new SessionCookies(config.secureCookies());
    Sessions sessions = new Sessions(new SessionCodec(config.sessionKeys(), clock), cookies);
    LoginCsrf loginCsrf = LoginCsrf.withKeys(config.sessionKeys(), clock);
    CsrfGuard csrf = new CsrfGuard(cookies, loginCsrf);
    PageRenderer pages = PageRenderer.precompiled();
    SignInHandler signIn = new SignInHandler(api, sessions, cookies, loginCsrf, pages);
    ErrorPages errors = new ErrorPages(pages, sessions);
    Routes routes = new Routes(sessions, csrf, signIn, new OverviewHandler(api, pages),
        new TenantsHandler(api, pages), new UsersHandler(api, pages),
        new AgentsHandler(api, new FleetReader(api, clock), pages), new ApiKeysHandler(api, pages, clock),
        new ModelsHandler(api, pages), new VersionUploadHandler(api), new DeploymentsHandler(api, pages),
        new PlaygroundHandler(api, new GatewayClient(webClient, config.gatewayBase()), pages, config.gatewayBase()),
        new AuditHandler(api, downloads, pages), new PasswordHandler(api, pages),
        new Routes.Changes(new DeploymentActionsHandler(api), new AliasesHandler(api, pages),
            new ModelChangesHandler(api), new UsageHandler(api, downloads, pages, clock)));

    Router router = Router.router(vertx);
    router.route().handler(new RequestIds()).handler(new SecurityHeaders());
    router.route("/static/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(
        StaticHandler.create("webroot").setMaxAgeSeconds(3600));
    router.route().handler(sessions);
    routes.mount(router);
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    router.errorHandler(405, errors);

    return vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(router)
        .listen(config.port(), config.host())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (webClient != null) {
      webClient.close();
    }
    if (downloadClient != null) {
      downloadClient.close();
    }
    return Future.succeededFuture();
  }

  /** The port the console listens on (the ephemeral one when configured with 0). */
  public int port() {
    return server.actualPort();
  }
}
