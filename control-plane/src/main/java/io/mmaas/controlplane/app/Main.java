package io.mmaas.controlplane.app;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the control plane from environment configuration; exits non-zero when it cannot start. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    Config config;
    try {
      config = Config.fromEnv();
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
    vertx.deployVerticle(new ControlPlaneVerticle(config, Clock.systemUTC()))
        .onFailure(e -> {
          LOG.error("control plane failed to start", e);
          vertx.close().onComplete(x -> System.exit(1));
        });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }
}
