package dev.athena.ingest.scan;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes Spring Batch's record of finished scans (a job instance, its execution, parameters, three steps and their
 * contexts per scan), which otherwise grows with every scheduled scan. Only the scan job's own rows, only
 * executions that ended, a bounded number per transaction; the job repository may be shared with other jobs.
 */
final class ScanHistory {
    /** What {@link RepositoryScan} keeps: a month of finished scans. */
    static final Duration KEPT = Duration.ofDays(30);
    static final int CHUNK = 500;
    private static final Logger LOG = LoggerFactory.getLogger(ScanHistory.class);
    private static final String ENDED_BEFORE = """
            select e.JOB_EXECUTION_ID, e.JOB_INSTANCE_ID from BATCH_JOB_EXECUTION e
            join BATCH_JOB_INSTANCE i on i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            where i.JOB_NAME = ? and e.END_TIME is not null and e.END_TIME < ?
            order by e.JOB_EXECUTION_ID limit ?""";
    private static final List<String> BY_EXECUTION = List.of(
            "delete from BATCH_STEP_EXECUTION_CONTEXT where STEP_EXECUTION_ID in (select STEP_EXECUTION_ID from "
                    + "BATCH_STEP_EXECUTION where JOB_EXECUTION_ID = any (?))",
            "delete from BATCH_STEP_EXECUTION where JOB_EXECUTION_ID = any (?)",
            "delete from BATCH_JOB_EXECUTION_CONTEXT where JOB_EXECUTION_ID = any (?)",
            "delete from BATCH_JOB_EXECUTION_PARAMS where JOB_EXECUTION_ID = any (?)",
            "delete from BATCH_JOB_EXECUTION where JOB_EXECUTION_ID = any (?)");
    private static final String ORPHANED_INSTANCES = """
            delete from BATCH_JOB_INSTANCE i where i.JOB_INSTANCE_ID = any (?)
            and not exists (select 1 from BATCH_JOB_EXECUTION e where e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID)""";

    private final DataSource dataSource;

    ScanHistory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Deletes the scan executions that ended before {@code cutoff}, and their instances once no execution is left.
     * A failure is logged; the next scan tries again.
     *
     * @return the executions deleted
     */
    int prune(Instant cutoff) {
        int total = 0;
        try (Connection conn = dataSource.getConnection()) {
            int pruned;
            do {
                pruned = pruneChunk(conn, cutoff);
                total += pruned;
            } while (pruned == CHUNK);
        } catch (SQLException e) {
            LOG.warn("could not prune the scan history before {} ({} executions pruned): {}", cutoff, total,
                    e.getMessage());
        }
        if (total > 0) {
            LOG.info("pruned {} scan executions that ended before {}", total, cutoff);
        }
        return total;
    }

    private static int pruneChunk(Connection conn, Instant cutoff) throws SQLException {
        List<Long> executions = new ArrayList<>();
        Set<Long> instances = new LinkedHashSet<>();
        conn.setAutoCommit(false);
        try {
            try (PreparedStatement ps = conn.prepareStatement(ENDED_BEFORE)) {
                ps.setString(1, ScanJob.NAME);
                ps.setTimestamp(2, Timestamp.from(cutoff));
                ps.setInt(3, CHUNK);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        executions.add(rs.getLong(1));
                        instances.add(rs.getLong(2));
                    }
                }
            }
            if (!executions.isEmpty()) {
                Array executionIds = conn.createArrayOf("bigint", executions.toArray());
                for (String sql : BY_EXECUTION) {
                    try (PreparedStatement ps = conn.prepareStatement(sql)) {
                        ps.setArray(1, executionIds);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = conn.prepareStatement(ORPHANED_INSTANCES)) {
                    ps.setArray(1, conn.createArrayOf("bigint", instances.toArray()));
                    ps.executeUpdate();
                }
            }
            conn.commit();
            return executions.size();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
    }
}
