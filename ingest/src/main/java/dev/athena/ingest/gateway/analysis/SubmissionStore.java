package dev.athena.ingest.gateway.analysis;

import dev.athena.ingest.gateway.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import javax.sql.DataSource;

/** Requests accepted over HTTP: who owns each id, and which id an idempotency key already produced. */
final class SubmissionStore {
    /**
     * The row that holds an idempotency key: its request id, the digest of the body first sent with it, and
     * whether its record is known to have reached Kafka.
     */
    record Existing(String requestId, String bodyHash, boolean sent, Instant claimedAt) {
    }

    private final DataSource dataSource;
    private final InstantSource clock;

    SubmissionStore(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** @return empty when inserted, or the row that already holds this client's idempotency key */
    Optional<Existing> claim(String requestId, String clientId, String idempotencyHash, String bodyHash) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("insert into gateway_submissions(request_id, client_id, "
                    + "idempotency_hash, body_hash, created_at) values (?, ?, ?, ?, ?) on conflict do nothing")) {
                ps.setString(1, requestId);
                ps.setString(2, clientId);
                ps.setString(3, idempotencyHash);
                ps.setString(4, bodyHash);
                ps.setTimestamp(5, Timestamp.from(clock.instant()));
                if (ps.executeUpdate() == 1) {
                    return Optional.empty();
                }
            }
            Optional<Existing> holder = find(c, clientId, idempotencyHash);
            if (holder.isEmpty()) {
                throw new IllegalStateException("request id " + requestId + " collided with an existing one");
            }
            return holder;
        } catch (SQLException e) {
            throw new StoreUnavailableException("recording a submission", e);
        }
    }

    /** The row that holds this client's idempotency key, if any. */
    Optional<Existing> find(String clientId, String idempotencyHash) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, clientId, idempotencyHash);
        } catch (SQLException e) {
            throw new StoreUnavailableException("reading a submission", e);
        }
    }

    private static Optional<Existing> find(Connection c, String clientId, String idempotencyHash)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select request_id, body_hash, sent_at is not null, "
                + "created_at from gateway_submissions where client_id = ? and idempotency_hash = ?")) {
            ps.setString(1, clientId);
            ps.setString(2, idempotencyHash);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Existing(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                        rs.getTimestamp(4).toInstant()));
            }
        }
    }

    /** The claim's record reached Kafka. */
    void markSent(String requestId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update gateway_submissions set sent_at = ? where request_id = ? and sent_at is null")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, requestId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("marking a submission sent", e);
        }
    }

    /**
     * Undo a claim without an idempotency key whose send failed: its client never learnt the id, and nothing can
     * retry it.
     */
    void release(String requestId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("delete from gateway_submissions where request_id = ?")) {
            ps.setString(1, requestId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("releasing a submission", e);
        }
    }

    boolean owns(String clientId, String requestId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select 1 from gateway_submissions where request_id = ? and client_id = ?")) {
            ps.setString(1, requestId);
            ps.setString(2, clientId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("reading a submission", e);
        }
    }
}
