package io.mmaas.console.app;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the web console: configuration from the environment, one verticle, stop on SIGTERM. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ConsoleConfig config;
    try {
      config = ConsoleConfig.fromEnv();
    } catch (IllegalArgumentException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    }
    LOG.info("starting the web console with {}", config);
    if (!config.secureCookies()) {
      LOG.warn("MMAAS_CONSOLE_SECURE_COOKIES=false: cookies are not marked Secure; serve the console over HTTPS "
          + "and set it to true anywhere but on this machine");
    }
    if (config.sessionKeys().isRandom()) {
      LOG.warn("MMAAS_CONSOLE_SESSION_KEYS is not set: session cookies are sealed with a random key of this process, "
          + "so every sign-in ends when it restarts and works on no other console replica; set it (kid:secret with "
          + "at least 32 bytes of secret, the same list on every replica) to keep sessions across both");
    }
    Vertx vertx = Vertx.vertx();
    ConsoleVerticle verticle = new ConsoleVerticle(config);
    vertx.deployVerticle(verticle)
        .onSuccess(id -> LOG.info("web console listening on http://{}:{}/", config.host(), verticle.port()))
        .onFailure(e -> {
          LOG.error("the web console could not start", e);
          vertx.close();
          System.exit(1);
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("the web console did not stop cleanly: {}", e.toString());
      }
    }, "console-shutdown"));
  }
}
