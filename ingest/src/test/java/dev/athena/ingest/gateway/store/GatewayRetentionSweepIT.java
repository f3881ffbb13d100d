package dev.athena.ingest.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
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

/** The gateway's retention sweep on the real PostgreSQL, over more rows than one chunk. */
@Tag("integration")
class GatewayRetentionSweepIT {
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final HikariDataSource dataSource = new HikariDataSource();
    private final String client = "retain-" + UUID.randomUUID().toString().substring(0, 8);
    // long ago: only this test's rows are older than this sweep keeps; every other test's rows are newer
    private final Instant now = Instant.parse("2000-01-01T00:00:00Z");

    GatewayRetentionSweepIT() {
        dataSource.setJdbcUrl(endpoints.jdbcUrl());
        dataSource.setUsername(endpoints.dbUser());
        dataSource.setPassword(endpoints.dbPassword());
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void shouldDeleteSubmissionsOlderThanKeptAndLeaveTheAuditLogByDefault() throws Exception {
        GatewayMigrations.migrate(dataSource);
        int old = RetentionSweeper.CHUNK + 3;
        execute("""
                insert into gateway_submissions (request_id, client_id, body_hash, created_at, sent_at)
                select ? || '-old-' || n, ?, 'h', ?, ? from generate_series(1, ?) n
                """, client, client, Timestamp.from(now.minus(Duration.ofDays(31))),
                Timestamp.from(now.minus(Duration.ofDays(31))), old);
        execute("""
                insert into gateway_submissions (request_id, client_id, body_hash, created_at, sent_at)
                values (? || '-recent', ?, 'h', ?, ?)
                """, client, client, Timestamp.from(now.minus(Duration.ofDays(29))),
                Timestamp.from(now.minus(Duration.ofDays(29))));
        execute("insert into gateway_audit_log (occurred_at, event, actor) values (?, 'test', ?)",
                Timestamp.from(now.minus(Duration.ofDays(3_000))), client);
        var sweeper = new RetentionSweeper(dataSource, GatewayRetention.DEFAULT, Clock.fixed(now, ZoneOffset.UTC));

        Map<String, Long> deleted = sweeper.sweep();

        assertThat(deleted.get("gateway_submissions")).isEqualTo(old);
        assertThat(deleted).doesNotContainKey("gateway_audit_log");
        assertThat(count("select count(*) from gateway_submissions where client_id = ?")).isEqualTo(1);
        assertThat(count("select count(*) from gateway_audit_log where actor = ?")).isEqualTo(1);
        assertThat(sweeper.sweep().get("gateway_submissions")).as("nothing left to delete").isZero();
    }

    private void execute(String sql, Object... args) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, client);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
