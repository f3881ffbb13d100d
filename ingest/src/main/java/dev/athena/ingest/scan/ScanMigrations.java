package dev.athena.ingest.scan;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The scan's own migrations: Spring Batch's JDBC job repository tables (its shipped PostgreSQL schema, made
 * idempotent) and the scan state. A history table of its own so the gateway and the splitter migrate the same
 * database independently.
 */
final class ScanMigrations {
    static final String HISTORY_TABLE = "flyway_scan_history";
    static final String LOCATION = "classpath:db/migration/scan";

    private ScanMigrations() {
    }

    static void migrate(DataSource dataSource) {
        Flyway.configure(ScanMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
