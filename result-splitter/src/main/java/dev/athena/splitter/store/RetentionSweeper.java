package dev.athena.splitter.store;

import dev.athena.splitter.metrics.SplitterMetrics;
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
 * Deletes the rows {@link Retention} no longer keeps, a chunk per statement (each its own transaction), so a
 * first sweep over a large backlog neither holds locks for long nor builds one huge transaction. Several
 * splitters may sweep at once: a row is deleted once, the others find it gone.
 */
public final class RetentionSweeper {
    static final int CHUNK = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);

    private final DataSource dataSource;
    private final Retention retention;
    private final SplitterMetrics metrics;
    private final Clock clock;

    public RetentionSweeper(DataSource dataSource, Retention retention, SplitterMetrics metrics, Clock clock) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * One sweep of every table with a retention.
     *
     * @return rows deleted per table (tables kept for ever are absent)
     * @throws StoreUnavailableException when PostgreSQL fails; the next sweep carries on
     */
    public Map<String, Long> sweep() {
        Instant now = clock.instant();
        Map<String, Long> deleted = new LinkedHashMap<>();
        sweep("analysis_results", "completed_at", retention.results(), now, deleted);
        sweep("usage_ledger", "occurred_at", retention.usage(), now, deleted);
        sweep("admin_audit_log", "occurred_at", retention.audit(), now, deleted);
        if (deleted.values().stream().anyMatch(n -> n > 0)) {
            LOG.info("retention sweep deleted {}", deleted);
        }
        return deleted;
    }

    private void sweep(String table, String column, Duration keep, Instant now, Map<String, Long> deleted) {
        if (keep.isZero()) {
            return;
        }
        // ctid: each table's own key differs, and a chunk must be picked by age alone (the index on the column)
        String sql = "delete from " + table + " where ctid = any (array(select ctid from " + table + " where "
                + column + " < ? limit " + CHUNK + "))";
        Timestamp cutoff = Timestamp.from(now.minus(keep));
        long total = 0;
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            conn.setAutoCommit(true);
            int rows;
            do {
                ps.setTimestamp(1, cutoff);
                rows = ps.executeUpdate();
                total += rows;
                metrics.retentionDeleted(table).increment(rows);
            } while (rows == CHUNK);
        } catch (SQLException e) {
            throw new StoreUnavailableException("retention sweep of " + table + " failed after " + total
                    + " rows (" + SqlErrors.describe(e) + ")", e);
        }
        deleted.put(table, total);
    }
}
