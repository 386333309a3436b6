package io.mmaas.console.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small real admin API standing in for the control plane, per the console's contract: a platform admin and a
 * tenant admin, three tenants (one whose display name is a script tag), pages of {@link #PAGE_SIZE}, opaque
 * bearer tokens that {@link #revokeAllTokens()} can withdraw (a password change ends the user's other tokens), and
 * {@code after=boom} answering 500. It records every request it gets.
 */
public final class FakeAdminApi extends VerticleBase {
  public static final String ADMIN = "ada";
  public static final String ADMIN_PASSWORD = "correct-horse-battery";
  public static final String TENANT_ADMIN = "tina";
  public static final String TENANT_ADMIN_PASSWORD = "tenant-admin-pass";
  public static final String AUDITOR = "audrey";
  public static final String AUDITOR_PASSWORD = "auditor-password-1";
  public static final String SCRIPT_NAME = "<script>alert(1)</script>";
  public static final String FAILING_CURSOR = "boom";
  public static final String FAILURE_REQUEST_ID = "api-request-500";
  /** Smaller than the console asks for, so that three tenants make two pages. */
  static final int PAGE_SIZE = 2;

  /** One request as the fake API received it. */
  public record Received(String method, String path, String query, MultiMap headers) {}

  private record Account(String password, JsonObject user) {}

  private static final Map<String, Account> ACCOUNTS = Map.of(
      ADMIN, new Account(ADMIN_PASSWORD, new JsonObject()
          .put("id", "u-1").put("username", ADMIN).put("role", "platform_admin").putNull("tenant")),
      TENANT_ADMIN, new Account(TENANT_ADMIN_PASSWORD, new JsonObject()
          .put("id", "u-2").put("username", TENANT_ADMIN).put("role", "tenant_admin").put("tenant", "acme")),
      AUDITOR, new Account(AUDITOR_PASSWORD, new JsonObject()
          .put("id", "u-3").put("username", AUDITOR).put("role", "auditor").putNull("tenant")));

  private static final List<JsonObject> TENANTS = List.of(
      tenant("t-1", "acme", "Acme Corp", "active", "2026-01-02T03:04:05Z"),
      tenant("t-2", "globex", SCRIPT_NAME, "active", "2026-02-03T04:05:06Z"),
      tenant("t-3", "initech", "Initech \"R&D\"", "suspended", "2026-03-04T05:06:07Z"));

  private final Map<String, JsonObject> tokens = new ConcurrentHashMap<>();
  private final FakeResources resources = new FakeResources(this::caller);
  private final FakeChanges changes = new FakeChanges(resources, this::caller);
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      received.add(new Received(ctx.request().method().name(), ctx.request().path(), ctx.request().query(),
          MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers())));
      ctx.next();
    });
    router.post("/api/v1/auth/login").handler(BodyHandler.create()).handler(this::login);
    router.post("/api/v1/auth/logout").handler(this::logout);
    router.get("/api/v1/me").handler(this::me);
    router.get("/api/v1/tenants").handler(this::tenants);
    resources.onPasswordChanged(this::endOtherSessions);
    resources.mount(router);
    changes.mount(router);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onSuccess(s -> server = s);
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** The fake's stored resources, for tests to inspect. */
  FakeResources resources() {
    return resources;
  }

  /** Adds version {@code n} of the model whose input is {@code [?, inputWidth]} (4 is v1's signature). */
  public void addVersion(int n, int inputWidth) {
    JsonObject v = FakeResources.version(n);
    v.getJsonArray("inputs").getJsonObject(0).put("shape", new JsonArray().add(-1).add(inputWidth));
    resources.versions.add(v);
  }

  /** The version each alias points at. */
  public Map<String, Integer> aliases() {
    return Map.copyOf(changes.aliases);
  }

  /** The quota limits as the fake holds them now. */
  public JsonObject limits() {
    return changes.limits.copy();
  }

  /** The deployment with this id as the fake holds it now, or null. */
  public JsonObject deployment(String id) {
    return resources.deployments.stream().filter(d -> d.getString("id").equals(id)).findFirst().orElse(null);
  }

  /** Sizes of the model bodies received, in order. */
  public List<Long> uploadedBytes() {
    return List.copyOf(resources.uploadedBytes);
  }

  /** The Authorization headers the fake gateway received. */
  public List<String> gatewayAuth() {
    return List.copyOf(resources.gatewayAuth);
  }

  /** Whether a token is still accepted (false after the console signed out with it). */
  public int liveTokens() {
    return tokens.size();
  }

  /** Every token issued so far is refused from now on, as after a key rotation or a revocation. */
  public void revokeAllTokens() {
    tokens.clear();
  }

  /** As the real API on a password change: every other token of the caller's user stops working. */
  private void endOtherSessions(RoutingContext ctx) {
    String current = ctx.request().getHeader("Authorization").substring(7);
    String userId = tokens.get(current).getString("id");
    tokens.entrySet().removeIf(e -> !e.getKey().equals(current) && userId.equals(e.getValue().getString("id")));
  }

  private void login(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    Account account = body == null ? null : ACCOUNTS.get(body.getString("username"));
    if (account == null || !account.password().equals(body.getString("password"))) {
      error(ctx, 401, "unauthorized", "invalid credentials", null);
      return;
    }
    String token = "tok-" + UUID.randomUUID();
    tokens.put(token, account.user());
    ctx.json(new JsonObject()
        .put("token", token)
        .put("expiresAt", Instant.now().plus(1, ChronoUnit.HOURS).toString())
        .put("user", account.user().copy()));
  }

  void logout(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (caller(ctx) != null) {
      tokens.remove(auth.substring(7));
      ctx.response().setStatusCode(204).end();
    }
  }

  private void me(RoutingContext ctx) {
    JsonObject user = caller(ctx);
    if (user != null) {
      ctx.json(user.copy());
    }
  }

  private void tenants(RoutingContext ctx) {
    JsonObject user = caller(ctx);
    if (user == null) {
      return;
    }
    boolean platformAuditor = "auditor".equals(user.getString("role")) && user.getString("tenant") == null;
    if (!"platform_admin".equals(user.getString("role")) && !platformAuditor) {
      error(ctx, 403, "forbidden", "platform admins and platform auditors only", null);
      return;
    }
    String after = ctx.request().getParam("after");
    if (FAILING_CURSOR.equals(after)) {
      error(ctx, 500, "internal_error", "internal error", FAILURE_REQUEST_ID);
      return;
    }
    int limit = Math.min(PAGE_SIZE, Integer.parseInt(ctx.request().getParam("limit", "50")));
    int from = after == null ? 0 : Integer.parseInt(after.substring("c".length()));
    int to = Math.min(TENANTS.size(), from + limit);
    ctx.json(new JsonObject()
        .put("items", new JsonArray(TENANTS.subList(from, to)))
        .put("nextCursor", to < TENANTS.size() ? "c" + to : null));
  }

  JsonObject caller(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    JsonObject user = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
    if (user == null) {
      error(ctx, 401, "unauthorized", "missing or invalid token", null);
    }
    return user;
  }

  static void error(RoutingContext ctx, int status, String code, String message, String requestId) {
    String id = requestId != null ? requestId : ctx.request().getHeader("X-Request-Id");
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", new JsonObject()
            .put("code", code).put("message", message).put("requestId", id)).encode());
  }

  private static JsonObject tenant(String id, String name, String displayName, String state, String createdAt) {
    return new JsonObject().put("id", id).put("name", name).put("displayName", displayName).put("state", state)
        .put("createdAt", createdAt);
  }
}
