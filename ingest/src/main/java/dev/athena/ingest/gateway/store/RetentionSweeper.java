package dev.athena.ingest.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the gateway's rows {@link GatewayRetention} no longer keeps, a chunk per statement, so a first sweep
 * over a large backlog holds no lock for long. Gateways sweeping at once delete each row once.
 */
public final class RetentionSweeper {
    static final int CHUNK = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);

    private final DataSource dataSource;
    private final GatewayRetention retention;
    private final Clock clock;

    public RetentionSweeper(DataSource dataSource, GatewayRetention retention, Clock clock) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.clock = clock;
    }

    /** @return rows deleted per table swept (tables kept for ever are absent) */
    public Map<String, Long> sweep() {
        Instant now = clock.instant();
        Map<String, Long> deleted = new LinkedHashMap<>();
        sweep("gateway_submissions", "created_at", retention.submissions(), now, deleted);
        sweep("gateway_audit_log", "occurred_at", retention.audit(), now, deleted);
        if (deleted.values().stream().anyMatch(n -> n > 0)) {
            LOG.info("retention sweep deleted {}", deleted);
        }
        return deleted;
    }

    private void sweep(String table, String column, Duration keep, Instant now, Map<String, Long> deleted) {
        if (keep.isZero()) {
            return;
        }
        String sql = "delete from " + table + " where ctid = any (array(select ctid from " + table + " where "
                + column + " < ? limit " + CHUNK + "))";
        long total = 0;
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            conn.setAutoCommit(true);
            int rows;
            do {
                ps.setTimestamp(1, Timestamp.from(now.minus(keep)));
                rows = ps.executeUpdate();
                total += rows;
            } while (rows == CHUNK);
        } catch (SQLException e) {
            throw new StoreUnavailableException("retention sweep of " + table + " after " + total + " rows", e);
        }
        deleted.put(table, total);
    }
}
