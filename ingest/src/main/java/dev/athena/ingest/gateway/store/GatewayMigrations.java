package dev.athena.ingest.gateway.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The gateway's own migrations. Its history table is its own so that other services migrate the same database
 * independently; baseline at version 0 on a non-empty schema so that V1 still runs there.
 */
public final class GatewayMigrations {
    public static final String HISTORY_TABLE = "flyway_gateway_history";
    public static final String LOCATION = "classpath:db/migration/gateway";

    private GatewayMigrations() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure(GatewayMigrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
