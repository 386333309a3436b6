package io.mmaas.controlplane.gateway;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one PostgreSQL connection that LISTENs on a channel and passes each notification's payload on; reconnects
 * with a capped backoff when the connection drops, and says whether notifications are flowing (while they are not,
 * callers fall back to short cache lifetimes).
 */
public final class ChangeListener {
  /**
   * The channel changes the gateways cache are announced on. Payloads: an API key id, "tenant:&lt;id&gt;" (keys and
   * limits of a tenant), {@link #ROUTES} (deployments, replica states) or "*" (anything).
   */
  public static final String CHANNEL = "mmaas_changes";
  public static final String ROUTES = "routes";

  /** Announces a change to every control-plane replica; delivered when the surrounding transaction commits. */
  public static io.vertx.core.Future<Void> announce(io.vertx.sqlclient.SqlClient client, String payload) {
    return client.preparedQuery("SELECT pg_notify('" + CHANNEL + "', $1)")
        .execute(io.vertx.sqlclient.Tuple.of(payload)).mapEmpty();
  }
  private static final Logger LOG = LoggerFactory.getLogger(ChangeListener.class);

  private final Vertx vertx;
  private final PgConnectOptions options;
  private final String channel;
  private final Consumer<String> onPayload;
  private final Consumer<Boolean> onState;
  private volatile boolean stopped;
  private long backoffMs = 250;

  public ChangeListener(Vertx vertx, PgConnectOptions options, String channel, Consumer<String> onPayload,
                        Consumer<Boolean> onState) {
    this.vertx = vertx;
    this.options = options;
    this.channel = channel;
    this.onPayload = onPayload;
    this.onState = onState;
  }

  public void start() {
    connect();
  }

  public void stop() {
    stopped = true;
  }

  private void connect() {
    if (stopped) {
      return;
    }
    PgConnection.connect(vertx, options).onSuccess(conn -> {
      conn.notificationHandler(n -> onPayload.accept(n.getPayload()));
      conn.closeHandler(v -> {
        onState.accept(false);
        if (!stopped) {
          LOG.warn("notification connection for {} closed; reconnecting", channel);
          retry();
        }
      });
      conn.query("LISTEN " + channel).execute().onSuccess(x -> {
        backoffMs = 250;
        onPayload.accept("*");
        onState.accept(true);
      }).onFailure(e -> conn.close());
    }).onFailure(e -> {
      onState.accept(false);
      retry();
    });
  }

  private void retry() {
    long delay = backoffMs;
    backoffMs = Math.min(5_000, backoffMs * 2);
    vertx.setTimer(delay, id -> connect());
  }
}
