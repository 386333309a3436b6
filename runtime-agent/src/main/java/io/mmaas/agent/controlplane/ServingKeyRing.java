package io.mmaas.agent.controlplane;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's serving keys across rotations (controller pattern, driven by heartbeat answers). When an answer offers
 * a key of another generation, the ring saves it (the current key becomes the previous one) to the identity file,
 * then installs both in the agent and every running model host; only once all of them accept it does the agent
 * report the new generation, which confirms it at the control plane, so gateways never present a key a host does
 * not know. An answer without a key for the generation the agent holds says the control plane has the
 * confirmation: the previous key is dropped {@link ServingKeyOffer#overlap} later (saved, then installed), giving
 * every gateway time to switch. A restart with a previous key in the file keeps accepting it and starts that overlap
 * again. A failed save or install is retried with the next answer, which offers the key again.
 *
 * <p>Runs on the agent verticle's context; saving blocks, on a worker.
 */
public final class ServingKeyRing {
  private static final Logger log = LoggerFactory.getLogger(ServingKeyRing.class);

  private final Vertx vertx;
  private final IdentityStore store;
  private final Function<List<String>, Future<Void>> installer;
  private final Runnable reportSoon;
  private volatile AgentIdentity identity;
  /** What is being installed (null: nothing); hosts that start meanwhile get its keys. */
  private volatile AgentIdentity installing;
  private boolean busy;
  private long retireTimer = -1;

  /**
   * @param installer makes exactly these keys the accepted ones in the agent and all its running hosts
   * @param reportSoon asks for a heartbeat now (to confirm a key as soon as it is installed)
   */
  public ServingKeyRing(Vertx vertx, IdentityStore store, AgentIdentity identity,
                        Function<List<String>, Future<Void>> installer, Runnable reportSoon) {
    this.vertx = vertx;
    this.store = store;
    this.identity = identity;
    this.installer = installer;
    this.reportSoon = reportSoon;
  }

  /** The keys accepted now, the current one first (what a host that starts now is given). */
  public List<String> accepted() {
    AgentIdentity next = installing;
    return (next != null ? next : identity).acceptedServingKeys();
  }

  /** The generation every part of the agent accepts: what heartbeats report. */
  public int generation() {
    return identity.servingKeyGeneration();
  }

  /** What a heartbeat answer says about the serving key. */
  public void offered(ServingKeyOffer offer) {
    if (offer == null || busy) {
      return;
    }
    AgentIdentity now = identity;
    if (offer.key() != null && (offer.generation() != now.servingKeyGeneration()
        || !offer.key().equals(now.servingKey()))) {
      install(now.rotated(offer.generation(), offer.key()), "serving key generation " + offer.generation());
    } else if (offer.key() == null && offer.generation() == now.servingKeyGeneration()
        && now.previousServingKey() != null && retireTimer < 0) {
      log.info("serving key generation {} confirmed; the previous key is accepted for {} ms more",
          offer.generation(), offer.overlap().toMillis());
      retireTimer = vertx.setTimer(Math.max(1, offer.overlap().toMillis()), t -> retire());
    }
  }

  private void retire() {
    AgentIdentity now = identity;
    if (busy || now.previousServingKey() == null) {
      retireTimer = -1;
      return;
    }
    install(now.withoutPrevious(), "dropping the previous serving key");
  }

  /** Saves, then installs everywhere, then adopts: the generation reported changes only once all hosts accept. */
  private void install(AgentIdentity next, String what) {
    busy = true;
    vertx.cancelTimer(retireTimer);
    retireTimer = -1;
    vertx.executeBlocking(() -> {
          store.save(next);
          return next;
        })
        .compose(saved -> {
          installing = next;
          return installer.apply(next.acceptedServingKeys());
        })
        .onSuccess(v -> {
          identity = next;
          installing = null;
          busy = false;
          log.info("{}: installed in the agent and its model hosts ({} key(s) accepted)", what,
              next.acceptedServingKeys().size());
          reportSoon.run();
        })
        .onFailure(e -> {
          installing = null;
          busy = false;
          log.warn("{} failed ({}); trying again with the next heartbeat", what, e.getMessage());
        });
  }
}
