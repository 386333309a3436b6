package io.mmaas.controlplane.app;

import io.mmaas.migrations.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Builds the PostgreSQL pool (bounded wait queue, timeouts) and runs the migrations off the event loop. */
public final class Database {
  private Database() {
  }

  public static Pool pool(Vertx vertx, Config config) {
    return pool(vertx, config, "mmaas-control-plane", config.dbPoolSize());
  }

  /** A pool of its own, e.g. for the writes anonymous callers cause, so a flood of them cannot take every connection. */
  public static Pool pool(Vertx vertx, Config config, String name, int size) {
    PgConnectOptions connect = PgConnectOptions.fromUri(config.databaseUrl())
        .setReconnectAttempts(2)
        .setReconnectInterval(500)
        .setCachePreparedStatements(true);
    // Sessions run in UTC whatever the server's default, so date_trunc buckets and ::date casts mean UTC days.
    connect.addProperty("TimeZone", "UTC");
    PoolOptions options = new PoolOptions()
        .setMaxSize(size)
        .setMaxWaitQueueSize(1_000)
        .setConnectionTimeout(5)
        .setConnectionTimeoutUnit(TimeUnit.SECONDS)
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setName(name);
    return PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build();
  }

  /** Applies pending migrations on a worker thread (Flyway blocks), as the owner ({@code MMAAS_MIGRATION_DATABASE_URL}). */
  public static Future<Integer> migrate(Vertx vertx, Config config) {
    PgConnectOptions o = PgConnectOptions.fromUri(config.migrationDatabaseUrl());
    String jdbc = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
    return vertx.executeBlocking(() -> Migrations.migrate(jdbc, o.getUser(), o.getPassword()), false);
  }
}
