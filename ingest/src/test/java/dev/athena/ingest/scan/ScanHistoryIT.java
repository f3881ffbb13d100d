package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Pruning Spring Batch's record of finished scans, on the real PostgreSQL. */
@Tag("integration")
class ScanHistoryIT {
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final HikariDataSource dataSource = new HikariDataSource();
    // far above what the repository's sequences hand out in a test run
    private final long base = 8_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L) * 10;
    private final Instant now = Instant.now();

    ScanHistoryIT() {
        dataSource.setJdbcUrl(endpoints.jdbcUrl());
        dataSource.setUsername(endpoints.dbUser());
        dataSource.setPassword(endpoints.dbPassword());
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void shouldPruneOnlyFinishedScansOlderThanTheCutoffWithEverythingTheyOwn() throws Exception {
        ScanMigrations.migrate(dataSource);
        long old = base;
        long recent = base + 1;
        long running = base + 2;
        long otherJob = base + 3;
        execution(old, ScanJob.NAME, now.minus(Duration.ofDays(40)), now.minus(Duration.ofDays(40)));
        execution(recent, ScanJob.NAME, now.minus(Duration.ofDays(1)), now.minus(Duration.ofDays(1)));
        execution(running, ScanJob.NAME, now.minus(Duration.ofDays(40)), null);
        execution(otherJob, "someoneElsesJob", now.minus(Duration.ofDays(40)), now.minus(Duration.ofDays(40)));

        int pruned = new ScanHistory(dataSource).prune(now.minus(ScanHistory.KEPT));

        assertThat(pruned).isGreaterThanOrEqualTo(1);
        assertThat(rowsOf(old)).as("the old scan and all it owned").isZero();
        assertThat(rowsOf(recent)).isEqualTo(6);
        assertThat(rowsOf(running)).as("a scan that never ended is left alone").isEqualTo(6);
        assertThat(rowsOf(otherJob)).as("another job's history is not ours").isEqualTo(6);
        assertThat(new ScanHistory(dataSource).prune(now.minus(ScanHistory.KEPT))).isZero();
    }

    /** One job instance with one execution, a parameter, a step and both contexts, all numbered {@code id}. */
    private void execution(long id, String jobName, Instant created, Instant ended) throws SQLException {
        Timestamp start = Timestamp.from(created);
        Timestamp end = ended == null ? null : Timestamp.from(ended);
        String status = ended == null ? "STARTED" : "COMPLETED";
        execute("insert into BATCH_JOB_INSTANCE (JOB_INSTANCE_ID, VERSION, JOB_NAME, JOB_KEY) values (?, 0, ?, ?)",
                id, jobName, UUID.randomUUID().toString().replace("-", ""));
        execute("insert into BATCH_JOB_EXECUTION (JOB_EXECUTION_ID, VERSION, JOB_INSTANCE_ID, CREATE_TIME, START_TIME,"
                + " END_TIME, STATUS, LAST_UPDATED) values (?, 0, ?, ?, ?, ?, ?, ?)", id, id, start, start, end, status,
                start);
        execute("insert into BATCH_JOB_EXECUTION_PARAMS (JOB_EXECUTION_ID, PARAMETER_NAME, PARAMETER_TYPE,"
                + " PARAMETER_VALUE, IDENTIFYING) values (?, 'scanId', 'java.lang.String', 'x', 'Y')", id);
        execute("insert into BATCH_JOB_EXECUTION_CONTEXT (JOB_EXECUTION_ID, SHORT_CONTEXT) values (?, '{}')", id);
        execute("insert into BATCH_STEP_EXECUTION (STEP_EXECUTION_ID, VERSION, STEP_NAME, JOB_EXECUTION_ID,"
                + " CREATE_TIME, START_TIME, END_TIME, STATUS) values (?, 0, 'walk', ?, ?, ?, ?, ?)", id, id, start,
                start, end, status);
        execute("insert into BATCH_STEP_EXECUTION_CONTEXT (STEP_EXECUTION_ID, SHORT_CONTEXT) values (?, '{}')", id);
    }

    /** Rows numbered {@code id} across the six tables. */
    private long rowsOf(long id) throws SQLException {
        String sql = """
                select (select count(*) from BATCH_JOB_INSTANCE where JOB_INSTANCE_ID = ?)
                     + (select count(*) from BATCH_JOB_EXECUTION where JOB_EXECUTION_ID = ?)
                     + (select count(*) from BATCH_JOB_EXECUTION_PARAMS where JOB_EXECUTION_ID = ?)
                     + (select count(*) from BATCH_JOB_EXECUTION_CONTEXT where JOB_EXECUTION_ID = ?)
                     + (select count(*) from BATCH_STEP_EXECUTION where STEP_EXECUTION_ID = ?)
                     + (select count(*) from BATCH_STEP_EXECUTION_CONTEXT where STEP_EXECUTION_ID = ?)""";
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 1; i <= 6; i++) {
                ps.setLong(i, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void execute(String sql, Object... args) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
