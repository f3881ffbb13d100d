package dev.athena.splitter.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The connection pool. It starts even when PostgreSQL is down (persistence waits, delivery does not) and gives up
 * on a connection after three seconds so the writer can back off instead of hanging. Its errors never quote the
 * data of the statement that failed.
 */
public final class Database {
    private Database() {
    }

    public static HikariDataSource pool(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("athena-splitter-db");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("connectTimeout", "3");
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        // Otherwise a failed batch's message quotes every bound value (whole results, code included) and the
        // server's detail ("Failing row contains ..."), and that message reaches the logs.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return new HikariDataSource(config);
    }
}
