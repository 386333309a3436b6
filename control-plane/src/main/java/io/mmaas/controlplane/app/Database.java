package io.mmaas.controlplane.app;

import io.mmaas.migrations.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Builds the PostgreSQL pool (bounded wait queue, timeouts) and runs the migrations off the event loop. */
public final class Database {
  private Database() {
  }

  /**
   * The application's pool, bounded everywhere (vertx-pg-client's defaults are an unbounded wait queue and no
   * timeouts): connect timeout, a bounded wait for a pooled connection and a bounded queue of waiters (both fail
   * fast with a 503 from the failure handler), PostgreSQL's {@code statement_timeout}, TCP keep-alive, and a read
   * idle timeout that closes a connection on a frozen link. No reconnect attempts inside one acquisition (they would
   * stretch the wait past its bound); a connection the server closed (a restart) leaves the pool and the next
   * request connects anew, so the pool recovers without a process restart.
   */
  public static Pool pool(Vertx vertx, Config config) {
    return pool(vertx, config, "mmaas-control-plane", config.dbPoolSize());
  }

  /** A pool of its own, e.g. for the writes anonymous callers cause, so a flood of them cannot take every connection. */
  public static Pool pool(Vertx vertx, Config config, String name, int size) {
    return pool(vertx, config, name, size, config.db().poolWaitMs());
  }

  /** A pool of its own whose callers may wait {@code waitMs} for a connection (the blob store's long transfers). */
  public static Pool pool(Vertx vertx, Config config, String name, int size, long waitMs) {
    Config.DbLimits limits = config.db();
    PgConnectOptions connect = PgConnectOptions.fromUri(config.databaseUrl())
        .setReconnectAttempts(0)
        .setCachePreparedStatements(true);
    // Sessions run in UTC whatever the server's default, so date_trunc buckets and ::date casts mean UTC days.
    connect.addProperty("TimeZone", "UTC");
    connect.addProperty("statement_timeout", Long.toString(limits.queryTimeoutMs()));
    // which process holds a session, in pg_stat_activity (e.g. a leader's open transaction)
    connect.addProperty("application_name", name + "/" + ProcessHandle.current().pid());
    int readIdleSeconds = (int) Math.max(1, (limits.queryTimeoutMs() + 10_000) / 1000);
    NetClientOptions net = new NetClientOptions()
        .setConnectTimeout((int) limits.connectTimeoutMs())
        .setTcpKeepAlive(true)
        .setReadIdleTimeout(readIdleSeconds)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setMaxWaitQueueSize(limits.maxWaitQueue())
        .setConnectionTimeout((int) waitMs)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        // idle connections leave the pool before the read idle timeout would close them
        .setIdleTimeout(Math.max(1, readIdleSeconds - 5))
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setName(name);
    return PgBuilder.pool().with(options).with(net).connectingTo(connect).using(vertx).build();
  }

  /**
   * Whether {@code failure} means the database cannot be reached or answer now (down, restarting, a frozen link, the
   * pool's wait or queue bound): the caller gets 503, not 500.
   */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof java.util.concurrent.TimeoutException
          || t instanceof io.vertx.sqlclient.ClosedConnectionException
          || t instanceof io.netty.channel.ConnectTimeoutException
          || t instanceof java.nio.channels.ClosedChannelException) {
        return true;
      }
      String name = t.getClass().getSimpleName();
      if (name.contains("TooBusy") || name.contains("Timeout")) {
        return true;
      }
      if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57"))) {
        return true; // connection exceptions; statement timeout, admin shutdown, cannot connect now
      }
      if (t.getMessage() != null && (t.getMessage().contains("Timeout") || t.getMessage().contains("timed out"))) {
        return true;
      }
    }
    return false;
  }

  /** Applies pending migrations on a worker thread (Flyway blocks), as the owner ({@code MMAAS_MIGRATION_DATABASE_URL}). */
  public static Future<Integer> migrate(Vertx vertx, Config config) {
    PgConnectOptions o = PgConnectOptions.fromUri(config.migrationDatabaseUrl());
    String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    return vertx.executeBlocking(() -> Migrations.migrate(jdbc, o.getUser(), o.getPassword()), false);
  }
}
