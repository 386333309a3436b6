package io.mmaas.migrations;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the schema in {@code db/migration} with Flyway. This is the only way the schema changes; the control
 * plane calls it at start-up (on a worker thread: it blocks) and tests call it for each fresh database.
 */
public final class Migrations {

  private Migrations() {
  }

  /** Migrates the database to the latest version and returns how many migrations were applied now. */
  public static int migrate(String jdbcUrl, String user, String password) {
    MigrateResult result = Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .failOnMissingLocations(true)
        .load()
        .migrate();
    return result.migrationsExecuted;
  }
}
