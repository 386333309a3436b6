package io.mmaas.agent.controlplane;

import io.mmaas.agent.sync.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the agent its identity: the stored one, or a new one from the control plane in exchange for the
 * enrollment token. A refused token fails for good ({@link EnrollmentException}); an unreachable or failing control
 * plane is retried with capped backoff.
 */
public final class Enrollment {
  private static final Logger log = LoggerFactory.getLogger(Enrollment.class);
  private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final Vertx vertx;
  private final IdentityStore store;
  private final ControlPlaneClient client;
  private final String token;
  private final String name;

  /** @param token the enrollment token, or null when none was configured */
  public Enrollment(Vertx vertx, IdentityStore store, ControlPlaneClient client, String token, String name) {
    this.vertx = vertx;
    this.store = store;
    this.client = client;
    this.token = token;
    this.name = name;
  }

  public Future<AgentIdentity> ensureEnrolled(String servingUrl, Capabilities capabilities) {
    return vertx.executeBlocking(store::load).compose(stored -> {
      if (stored.isPresent()) {
        log.info("using the identity in {}: agent {}", store.file(), stored.get().agentId());
        return Future.succeededFuture(stored.get());
      }
      if (token == null || token.isBlank()) {
        return Future.failedFuture(new EnrollmentException(
            "the agent is not enrolled yet and MMAAS_AGENT_ENROLLMENT_TOKEN is not set"));
      }
      Promise<AgentIdentity> enrolled = Promise.promise();
      attempt(enrolled, 1, servingUrl, capabilities);
      return enrolled.future();
    });
  }

  private void attempt(Promise<AgentIdentity> enrolled, int attempt, String servingUrl, Capabilities capabilities) {
    client
        .enroll(token, name, servingUrl, capabilities)
        .compose(identity -> vertx.executeBlocking(() -> {
          store.save(identity);
          return identity;
        }))
        .onSuccess(identity -> {
          log.info("enrolled as agent {} serving at {}; identity saved to {}", identity.agentId(), servingUrl, store.file());
          enrolled.complete(identity);
        })
        .onFailure(e -> {
          if (e instanceof ControlPlaneException refused && refused.isPermanent()) {
            String why = refused.status() == 401
                ? "the control plane rejected the enrollment token (HTTP 401)"
                : "the control plane refused enrollment: " + refused.getMessage();
            enrolled.fail(new EnrollmentException(why, e));
          } else if (e instanceof EnrollmentException fatal) {
            enrolled.fail(fatal);
          } else {
            Duration delay = RETRY.delay(attempt);
            log.warn("enrollment attempt {} failed ({}); retrying in {} ms", attempt, e.getMessage(), delay.toMillis());
            vertx.setTimer(delay.toMillis(), t -> attempt(enrolled, attempt + 1, servingUrl, capabilities));
          }
        });
  }
}
