package dev.athena.splitter.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The splitter's schema, migrated with its own location and history table so that other modules can migrate the
 * same database independently. Baseline on a non-empty schema at version 0 so V1 still runs there.
 */
public final class Migrations {
    public static final String LOCATION = "classpath:db/migration/splitter";
    public static final String HISTORY_TABLE = "flyway_history_result_splitter";

    private Migrations() {
    }

    /** @return the number of migrations applied by this call */
    public static int migrate(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate()
                .migrationsExecuted;
    }
}
