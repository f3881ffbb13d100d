package dev.athena.splitter.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.splitter.metrics.SplitterMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The retention sweep on the real PostgreSQL, over more rows than one chunk. */
@Tag("integration")
class RetentionSweepIT {
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final HikariDataSource dataSource = Database.pool(endpoints.jdbcUrl(), endpoints.dbUser(),
            endpoints.dbPassword());
    private final String client = "retention-" + UUID.randomUUID().toString().substring(0, 8);
    // long ago: only this test's rows are older than this sweep keeps; every other test's rows are newer
    private final Instant now = Instant.parse("2000-01-01T00:00:00Z");

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void shouldDeleteOnlyRowsOlderThanTheirTablesRetentionInChunks() throws Exception {
        Migrations.migrate(dataSource);
        int old = RetentionSweeper.CHUNK + 7;
        insertResults("old", old, now.minus(Duration.ofDays(31)));
        insertResults("recent", 3, now.minus(Duration.ofDays(29)));
        insertUsage("old", 2, now.minus(Duration.ofDays(400)));
        insertAudit("old-" + client, now.minus(Duration.ofDays(11)));
        insertAudit("recent-" + client, now.minus(Duration.ofDays(9)));
        var registry = new SimpleMeterRegistry();
        var sweeper = new RetentionSweeper(dataSource, new Retention(Duration.ofDays(30), Duration.ZERO,
                Duration.ofDays(10), Duration.ofHours(1)), new SplitterMetrics(registry),
                Clock.fixed(now, ZoneOffset.UTC));

        Map<String, Long> deleted = sweeper.sweep();

        assertThat(deleted.get("analysis_results")).isEqualTo(old);
        assertThat(deleted).doesNotContainKey("usage_ledger");
        assertThat(count("select count(*) from analysis_results where client_id = ?", client)).isEqualTo(3);
        assertThat(count("select count(*) from analysis_results where client_id = ? and request_id like 'old-%'",
                client)).isZero();
        assertThat(count("select count(*) from usage_ledger where client_id = ?", client))
                .as("the ledger is kept for ever").isEqualTo(2);
        assertThat(count("select count(*) from admin_audit_log where action_id like ?", "%-" + client))
                .isEqualTo(1);
        assertThat(registry.get("athena.splitter.retention.deleted").tag("table", "analysis_results").counter()
                .count()).isEqualTo(old);
        assertThat(sweeper.sweep().get("analysis_results")).as("nothing left to delete").isZero();
    }

    private void insertResults(String prefix, int rows, Instant completedAt) throws SQLException {
        execute("""
                insert into analysis_results (request_id, client_id, status, cached, batch_id, result, completed_at)
                select ? || '-' || n, ?, 'COMPLETED', false, 'b', '{}'::jsonb, ? from generate_series(1, ?) n
                """, prefix, client, Timestamp.from(completedAt), rows);
    }

    private void insertUsage(String prefix, int rows, Instant occurredAt) throws SQLException {
        execute("""
                insert into usage_ledger (request_id, client_id, provider, model, input_tokens, output_tokens,
                    cache_read_tokens, cost_usd, cached, shared, occurred_at)
                select ? || '-' || n, ?, 'builtin', 'rules-1', 1, 1, 0, 0, false, false, ?
                from generate_series(1, ?) n
                """, prefix, client, Timestamp.from(occurredAt), rows);
    }

    private void insertAudit(String actionId, Instant occurredAt) throws SQLException {
        execute("insert into admin_audit_log (action_id, action, occurred_at) values (?, 'test', ?)", actionId,
                Timestamp.from(occurredAt));
    }

    private void execute(String sql, Object... args) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private long count(String sql, String arg) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
