package io.mmaas.agent.controlplane;

import io.mmaas.agent.sync.Backoff;
import io.mmaas.agent.sync.Reconciler;
import io.mmaas.agent.sync.ReplicaTable;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a heartbeat every interval the control plane asks for (2 s until it says), hands each answer to the
 * {@link Reconciler}, and backs off (capped at 5 s) while the control plane is unreachable or refuses the credential;
 * serving continues meanwhile and nothing is unloaded for it (see {@link Reconciler#apply} for what the first
 * answer after an outage may change), and each answer's serving key to the {@link ServingKeyRing}. {@link #beatSoon()}
 * reports a state change without waiting for the interval.
 *
 * <p>Runs on the agent verticle's context.
 */
public final class HeartbeatLoop {
  private static final Logger log = LoggerFactory.getLogger(HeartbeatLoop.class);
  private static final Duration FIRST_INTERVAL = Duration.ofSeconds(2);
  /**
   * Capped well below the lease (10 s by default): once the control plane answers again, every agent heartbeats
   * within the scheduler's grace of one lease period, so none is judged dead for the control plane's own outage.
   * The control plane's scheduler relies on this cap ({@code Scheduler.AGENT_RETRY_CAP}) for leases shorter than it.
   */
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));

  private final Vertx vertx;
  private final ControlPlaneClient client;
  private final AgentIdentity identity;
  private final String servingUrl;
  private final String executionProvider;
  private final Capabilities capabilities;
  private final Reconciler reconciler;
  private final ReplicaTable table;
  private final ServingKeyRing keys;

  private Duration interval = FIRST_INTERVAL;
  private long timer = -1;
  private boolean inFlight;
  private boolean beatAgain;
  private boolean stopped;
  private int failures;

  public HeartbeatLoop(
      Vertx vertx,
      ControlPlaneClient client,
      AgentIdentity identity,
      String servingUrl,
      String executionProvider,
      Capabilities capabilities,
      Reconciler reconciler,
      ReplicaTable table,
      ServingKeyRing keys) {
    this.vertx = vertx;
    this.client = client;
    this.identity = identity;
    this.servingUrl = servingUrl;
    this.executionProvider = executionProvider;
    this.capabilities = capabilities;
    this.reconciler = reconciler;
    this.table = table;
    this.keys = keys;
  }

  public void start() {
    schedule(Duration.ZERO);
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /** Sends the next heartbeat now (or right after the one in flight) unless the control plane is failing. */
  public void beatSoon() {
    if (stopped || failures > 0) {
      return;
    }
    if (inFlight) {
      beatAgain = true;
    } else {
      schedule(Duration.ZERO);
    }
  }

  private void schedule(Duration delay) {
    vertx.cancelTimer(timer);
    timer = vertx.setTimer(Math.max(1, delay.toMillis()), t -> beat());
  }

  private void beat() {
    timer = -1;
    if (stopped) {
      return;
    }
    inFlight = true;
    beatAgain = false;
    HeartbeatReport report = new HeartbeatReport(
        identity.agentId(), servingUrl, reconciler.appliedGeneration(), executionProvider, capabilities, table.all(),
        keys.generation());
    client.beat(identity.credential(), report).onComplete(this::answered);
  }

  private void answered(AsyncResult<HeartbeatAnswer> answer) {
    if (stopped) {
      return;
    }
    Duration next;
    if (answer.succeeded()) {
      if (failures > 0) {
        log.info("control plane answers heartbeats again after {} failure(s)", failures);
      }
      failures = 0;
      interval = answer.result().desired().heartbeatInterval();
      reconciler.apply(answer.result().desired());
      keys.offered(answer.result().servingKey());
      next = interval;
    } else {
      failures++;
      logFailure(answer.cause());
      next = max(interval, RETRY.delay(failures));
    }
    inFlight = false;
    schedule(beatAgain && failures == 0 ? Duration.ZERO : next);
  }

  private void logFailure(Throwable cause) {
    if (Integer.bitCount(failures) != 1) {
      log.debug("heartbeat failed again ({} in a row): {}", failures, cause.getMessage());
      return;
    }
    if (cause instanceof ControlPlaneException refused && refused.status() == 401) {
      log.error("the control plane rejected this agent's credential (HTTP 401, {} in a row); still serving, still retrying", failures);
    } else {
      log.warn("heartbeat failed ({} in a row): {}; still serving, retrying with backoff", failures, cause.getMessage());
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
