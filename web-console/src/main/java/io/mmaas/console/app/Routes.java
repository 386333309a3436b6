package io.mmaas.console.app;

import io.mmaas.console.account.PasswordHandler;
import io.mmaas.console.agents.AgentsHandler;
import io.mmaas.console.audit.AuditHandler;
import io.mmaas.console.deployments.DeploymentActionsHandler;
import io.mmaas.console.deployments.DeploymentsHandler;
import io.mmaas.console.keys.ApiKeysHandler;
import io.mmaas.console.models.AliasesHandler;
import io.mmaas.console.models.ModelChangesHandler;
import io.mmaas.console.models.ModelsHandler;
import io.mmaas.console.models.VersionUploadHandler;
import io.mmaas.console.pages.OverviewHandler;
import io.mmaas.console.playground.PlaygroundHandler;
import io.mmaas.console.session.CsrfGuard;
import io.mmaas.console.session.Sessions;
import io.mmaas.console.session.SignInHandler;
import io.mmaas.console.tenants.TenantsHandler;
import io.mmaas.console.usage.UsageHandler;
import io.mmaas.console.users.UsersHandler;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The console's pages and forms. Every page needs a session; every POST needs a session and its CSRF token (the
 * upload in a header, forms in a field). Each POST answers with a redirect, or with a page that shows a secret once.
 */
record Routes(Sessions sessions, CsrfGuard csrf, SignInHandler signIn, OverviewHandler overview,
    TenantsHandler tenants, UsersHandler users, AgentsHandler agents, ApiKeysHandler keys, ModelsHandler models,
    VersionUploadHandler upload, DeploymentsHandler deployments, PlaygroundHandler playground, AuditHandler audit,
    PasswordHandler password, Changes changes) {

  /** The handlers of what changes models and deployments after they exist, and of usage and quotas. */
  record Changes(DeploymentActionsHandler deployments, AliasesHandler aliases, ModelChangesHandler models,
      UsageHandler usage) {}

  static final long FORM_LIMIT_BYTES = 16 * 1024;
  static final long PLAYGROUND_LIMIT_BYTES = 1024 * 1024;
  private static final String T = "/tenants/:tenant";

  void mount(Router router) {
    BodyHandler forms = BodyHandler.create(false).setBodyLimit(FORM_LIMIT_BYTES);
    BodyHandler bigForms = BodyHandler.create(false).setBodyLimit(PLAYGROUND_LIMIT_BYTES);

    router.get("/login").handler(signIn::showForm);
    router.post("/login").handler(forms).handler(csrf.loginForm()).handler(signIn::signIn);
    post(router, forms, "/logout", signIn::signOut);

    page(router, "/", overview::handle);
    page(router, "/account/password", password::show);
    post(router, forms, "/account/password", password::change);

    page(router, "/tenants", tenants::list);
    post(router, forms, "/tenants", tenants::create);
    page(router, "/users", users::listPlatform);
    post(router, forms, "/users", users::createPlatform);
    post(router, forms, "/users/:id/disable", users::disable);
    post(router, forms, "/users/:id/enable", users::enable);
    page(router, "/agents", agents::list);
    post(router, forms, "/agents/enrollment-tokens", agents::createEnrollmentToken);
    post(router, forms, "/agents/enrollment-tokens/:id/revoke", agents::revokeToken);
    post(router, forms, "/agents/:id/disable", agents::disable);
    post(router, forms, "/agents/:id/enable", agents::enable);
    post(router, forms, "/agents/:id/approve", agents::approve);
    post(router, forms, "/agents/:id/rotate-serving-key", agents::rotateServingKey);
    post(router, forms, "/agents/:id/delete", agents::delete);
    page(router, "/audit", audit::list);
    page(router, "/audit/verify", audit::verify);
    page(router, "/audit/export.csv", ctx -> audit.export(ctx, "csv"));
    page(router, "/audit/export.jsonl", ctx -> audit.export(ctx, "jsonl"));
    page(router, "/audit/public-key.json", audit::publicKey);

    page(router, T + "/users", users::listTenant);
    post(router, forms, T + "/users", users::createTenant);
    page(router, T + "/api-keys", keys::list);
    post(router, forms, T + "/api-keys", keys::create);
    post(router, forms, T + "/api-keys/:id/revoke", keys::revoke);
    post(router, forms, T + "/api-keys/:id/rotate", keys::rotate);
    page(router, T + "/models", models::list);
    post(router, forms, T + "/models", models::create);
    page(router, T + "/models/:model", models::show);
    page(router, T + "/models/:model/versions/:version", models::version);
    post(router, forms, T + "/models/:model/versions/:version/edit", changes.models()::annotate);
    post(router, forms, T + "/models/:model/versions/:version/delete", changes.models()::deleteVersion);
    post(router, forms, T + "/models/:model/delete", changes.models()::deleteModel);
    page(router, T + "/models/:model/diff", changes.aliases()::compare);
    post(router, forms, T + "/models/:model/aliases", changes.aliases()::set);
    page(router, T + "/models/:model/aliases/:alias/move", changes.aliases()::confirmMove);
    post(router, forms, T + "/models/:model/aliases/:alias/delete", changes.aliases()::remove);
    router.post(T + "/models/:model/versions").handler(VersionUploadHandler::pause)
        .handler(sessions.requireSignIn()).handler(csrf.sessionHeader()).handler(upload::handle);
    page(router, T + "/deployments", deployments::list);
    post(router, forms, T + "/deployments", deployments::create);
    page(router, T + "/deployments/:id", deployments::show);
    post(router, forms, T + "/deployments/:id/scale", changes.deployments()::scale);
    post(router, forms, T + "/deployments/:id/rollout", changes.deployments()::rollout);
    post(router, forms, T + "/deployments/:id/promote", changes.deployments()::promote);
    post(router, forms, T + "/deployments/:id/rollback", changes.deployments()::rollback);
    post(router, forms, T + "/deployments/:id/retry", changes.deployments()::retry);
    post(router, forms, T + "/deployments/:id/delete", changes.deployments()::delete);
    page(router, T + "/usage", changes.usage()::show);
    page(router, T + "/usage.csv", changes.usage()::csv);
    post(router, forms, T + "/quota", changes.usage()::updateQuota);
    page(router, T + "/playground", playground::show);
    post(router, bigForms, T + "/playground", playground::infer);
  }

  private void page(Router router, String path, Handler<RoutingContext> handler) {
    router.get(path).handler(sessions.requireSignIn()).handler(handler);
  }

  private void post(Router router, BodyHandler body, String path, Handler<RoutingContext> handler) {
    router.post(path).handler(body).handler(sessions.requireSignIn()).handler(csrf.sessionForm()).handler(handler);
  }
}
