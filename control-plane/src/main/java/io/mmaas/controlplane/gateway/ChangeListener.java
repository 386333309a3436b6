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
  /** The channel API key changes are announced on (payload: key id, "tenant:&lt;id&gt;" or "*"). */
  public static final String API_KEYS = "mmaas_api_keys";
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
