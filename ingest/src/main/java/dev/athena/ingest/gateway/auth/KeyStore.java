package dev.athena.ingest.gateway.auth;

import dev.athena.ingest.gateway.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** API keys in PostgreSQL, found by their keyed hash. */
public final class KeyStore {
    /** A found row with its stored hash, so the caller can compare in constant time. */
    record Match(KeyRecord key, byte[] storedHash) {
    }

    private final DataSource dataSource;
    private final InstantSource clock;

    public KeyStore(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    public KeyRecord insert(String keyId, String clientId, Set<Scope> scopes, byte[] hash, String hint) {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "insert into gateway_api_keys(key_id, client_id, key_hash, scopes, hint, created_at) "
                        + "values (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, keyId);
            ps.setString(2, clientId);
            ps.setBytes(3, hash);
            ps.setString(4, Scope.toList(scopes));
            ps.setString(5, hint);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.executeUpdate();
            return new KeyRecord(keyId, clientId, scopes, hint, now, null);
        } catch (SQLException e) {
            throw new StoreUnavailableException("storing a key", e);
        }
    }

    Optional<Match> findActiveByHash(byte[] hash) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select key_id, client_id, scopes, hint, created_at, revoked_at, key_hash from gateway_api_keys "
                        + "where key_hash = ? and revoked_at is null")) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Match(read(rs), rs.getBytes(7))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("looking up a key", e);
        }
    }

    public List<KeyRecord> list(String clientIdOrNull) {
        String sql = "select key_id, client_id, scopes, hint, created_at, revoked_at from gateway_api_keys"
                + (clientIdOrNull == null ? "" : " where client_id = ?") + " order by created_at, key_id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (clientIdOrNull != null) {
                ps.setString(1, clientIdOrNull);
            }
            List<KeyRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreUnavailableException("listing keys", e);
        }
    }

    /** @return the key hash of the revoked key, or empty when no active key has this id */
    public Optional<byte[]> revoke(String keyId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update gateway_api_keys set revoked_at = ? where key_id = ? and revoked_at is null "
                        + "returning key_hash")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setString(2, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("revoking a key", e);
        }
    }

    private static KeyRecord read(ResultSet rs) throws SQLException {
        Timestamp revoked = rs.getTimestamp(6);
        return new KeyRecord(rs.getString(1), rs.getString(2), Scope.parseList(rs.getString(3)), rs.getString(4),
                rs.getTimestamp(5).toInstant(), revoked == null ? null : revoked.toInstant());
    }
}
