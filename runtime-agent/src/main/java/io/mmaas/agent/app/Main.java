package io.mmaas.agent.app;

import io.mmaas.agent.controlplane.EnrollmentException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the runtime agent; exits 2 on bad configuration and 1 when start-up or enrollment fails. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    AgentConfig config;
    try {
      config = AgentConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    log.info("starting the runtime agent with {}", config);

    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    log.info("network transport: {}", vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> close(vertx), "agent-shutdown"));
    AgentVerticle agent = new AgentVerticle(config, Clock.systemUTC());
    CompletableFuture<Void> fatal = new CompletableFuture<>();
    vertx
        .deployVerticle(agent)
        .compose(id -> agent.enrolled())
        .onSuccess(identity -> log.info("runtime agent {} is up", identity.agentId()))
        .onFailure(fatal::completeExceptionally);
    try {
      fatal.join(); // completes only on failure; a normal run ends with a signal and the shutdown hook
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof EnrollmentException) {
        log.error("runtime agent cannot run: {}", cause.getMessage()); // an operator's problem, not a bug
      } else {
        log.error("runtime agent cannot run: {}", cause.getMessage(), cause);
      }
      System.exit(1);
    }
  }

  private static void close(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("shutdown did not finish cleanly: {}", e.toString());
    }
  }
}
