package io.mmaas.controlplane.app;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the control plane's roles ({@code MMAAS_ROLES}) from environment configuration; exits non-zero when it cannot
 * start. {@code migrate} as the argument (or {@code MMAAS_ROLES=migrate}) applies the migrations and exits: a
 * deployment's migration job, run before processes of the new version start with {@code MMAAS_MIGRATE=false}.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    Config config;
    try {
      java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
      if (args.length > 0) {
        if (args.length > 1 || !args[0].equals("migrate")) {
          System.err.println("usage: java -jar control-plane-app.jar [migrate]   (roles come from MMAAS_ROLES)");
          System.exit(2);
          return;
        }
        env.put("MMAAS_ROLES", "migrate");
      }
      config = Config.from(env);
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    if (config.roles().isEmpty()) {
      Database.migrate(vertx, config).onComplete(done -> {
        if (done.succeeded()) {
          LOG.info("database migrated ({} migration(s) applied now)", done.result());
        } else {
          LOG.error("migration failed", done.cause());
        }
        vertx.close().onComplete(x -> System.exit(done.succeeded() ? 0 : 1));
      });
      return;
    }
    LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
    vertx.deployVerticle(new ControlPlaneVerticle(config, Clock.systemUTC()))
        .onFailure(e -> {
          LOG.error("control plane failed to start", e);
          vertx.close().onComplete(x -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }
}
