package dev.athena.ingest.gateway.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication failures and admin actions. Callers pass key ids and hints only, never a key. A failed audit
 * write is logged and does not fail the request: the audit must not become a way to deny service.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    public record Entry(Instant occurredAt, String event, String actor, String clientIp, String detail) {
    }

    private final DataSource dataSource;
    private final InstantSource clock;

    public AuditLog(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public void record(String event, String actor, String clientIp, String detail) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into gateway_audit_log(occurred_at, event, actor, client_ip, detail) values (?, ?, ?, ?, ?)")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, event);
            ps.setString(3, actor);
            ps.setString(4, clientIp);
            ps.setString(5, detail);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warn("audit write failed for event {}: {}", event, e.getMessage());
        }
    }

    public List<Entry> recent(int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select occurred_at, event, actor, client_ip, detail from gateway_audit_log order by id desc limit ?")) {
            ps.setInt(1, limit);
            List<Entry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreUnavailableException("reading audit log", e);
        }
    }
}
