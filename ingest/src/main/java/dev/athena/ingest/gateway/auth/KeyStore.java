package dev.athena.ingest.gateway.auth;

import dev.athena.ingest.gateway.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** API keys in PostgreSQL, found by their keyed hash. */
public final class KeyStore {
    /** How stale a key's {@code last_used_at} may get: one write per key and minute, not one per request. */
    static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);
    private static final String COLUMNS = "key_id, client_id, scopes, hint, created_at, revoked_at, expires_at, "
            + "last_used_at";

    /** A found row with its stored hash, so the caller can compare in constant time. */
    record Match(KeyRecord key, byte[] storedHash) {
    }

    /** A rotation: the key rotated out (with its new expiry and its hash) and the key that replaces it. */
    record Rotation(KeyRecord old, byte[] oldHash, KeyRecord replacement) {
    }

    /** A new key's row before it is stored. */
    record NewKey(String keyId, String clientId, Set<Scope> scopes, byte[] hash, String hint, Instant expiresAt) {
    }

    /** The key that replaces a rotated one, which takes the rotated one's client and scopes. */
    record Replacement(String keyId, byte[] hash, String hint, Instant expiresAt) {
        NewKey of(KeyRecord rotated) {
            return new NewKey(keyId, rotated.clientId(), rotated.scopes(), hash, hint, expiresAt);
        }
    }

    private final DataSource dataSource;
    private final InstantSource clock;

    public KeyStore(DataSource dataSource, InstantSource clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    KeyRecord insert(NewKey key) {
        try (Connection c = dataSource.getConnection()) {
            return insert(c, key, now());
        } catch (SQLException e) {
            throw new StoreUnavailableException("storing a key", e);
        }
    }

    private static KeyRecord insert(Connection c, NewKey key, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into gateway_api_keys(key_id, client_id, key_hash, "
                + "scopes, hint, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, key.keyId());
            ps.setString(2, key.clientId());
            ps.setBytes(3, key.hash());
            ps.setString(4, Scope.toList(key.scopes()));
            ps.setString(5, key.hint());
            ps.setTimestamp(6, Timestamp.from(now));
            Instant expiresAt = stored(key.expiresAt());
            ps.setTimestamp(7, timestamp(expiresAt));
            ps.executeUpdate();
            return new KeyRecord(key.keyId(), key.clientId(), key.scopes(), key.hint(), now, null, expiresAt, null);
        }
    }

    /** The key with this hash unless revoked; an expired one too, so the caller can say it expired. */
    Optional<Match> findUnrevokedByHash(byte[] hash) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select " + COLUMNS + ", key_hash from gateway_api_keys where key_hash = ? and revoked_at is null")) {
            ps.setBytes(1, hash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Match(read(rs), rs.getBytes(9))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("looking up a key", e);
        }
    }

    /** Notes that the key was used now, unless it was noted less than {@link #LAST_USED_PRECISION} ago. */
    void noteUsed(KeyRecord key) {
        Instant now = now();
        if (key.lastUsedAt() != null && key.lastUsedAt().isAfter(now.minus(LAST_USED_PRECISION))) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update gateway_api_keys set last_used_at = ? where key_id = ? "
                        + "and (last_used_at is null or last_used_at < ?)")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, key.keyId());
            ps.setTimestamp(3, Timestamp.from(now.minus(LAST_USED_PRECISION)));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailableException("noting a key's use", e);
        }
    }

    public List<KeyRecord> list(String clientIdOrNull) {
        String sql = "select " + COLUMNS + " from gateway_api_keys"
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

    /** Keys neither revoked nor expired whose expiry comes within {@code within} from now. */
    public long countExpiringWithin(Duration within) {
        Instant now = now();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from gateway_api_keys where revoked_at is null and expires_at > ? "
                        + "and expires_at <= ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.plus(within)));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("counting keys about to expire", e);
        }
    }

    /** @return the key hash of the revoked key, or empty when no unrevoked key has this id */
    public Optional<byte[]> revoke(String keyId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "update gateway_api_keys set revoked_at = ? where key_id = ? and revoked_at is null "
                        + "returning key_hash")) {
            ps.setTimestamp(1, Timestamp.from(now()));
            ps.setString(2, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("revoking a key", e);
        }
    }

    /**
     * In one transaction: stores {@code replacement} for the old key's client and scopes, and makes the old key
     * expire after {@code grace} (or sooner, when it was to expire sooner anyway).
     *
     * @return empty when no active key (not revoked, not expired) has the id
     */
    Optional<Rotation> rotate(String oldKeyId, Replacement replacement, Duration grace) {
        Instant now = now();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<Rotation> rotation = rotate(c, oldKeyId, replacement, now, now.plus(grace));
                c.commit();
                return rotation;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("rotating a key", e);
        }
    }

    private static Optional<Rotation> rotate(Connection c, String oldKeyId, Replacement replacement, Instant now,
            Instant graceEnds) throws SQLException {
        KeyRecord old;
        byte[] oldHash;
        try (PreparedStatement ps = c.prepareStatement("select " + COLUMNS + ", key_hash from gateway_api_keys "
                + "where key_id = ? and revoked_at is null for update")) {
            ps.setString(1, oldKeyId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                old = read(rs);
                oldHash = rs.getBytes(9);
            }
        }
        if (!old.activeAt(now)) {
            return Optional.empty();
        }
        Instant oldExpires = old.expiresAt() != null && old.expiresAt().isBefore(graceEnds) ? old.expiresAt()
                : stored(graceEnds);
        try (PreparedStatement ps = c.prepareStatement(
                "update gateway_api_keys set expires_at = ? where key_id = ?")) {
            ps.setTimestamp(1, Timestamp.from(oldExpires));
            ps.setString(2, oldKeyId);
            ps.executeUpdate();
        }
        KeyRecord created = insert(c, replacement.of(old), now);
        KeyRecord rotatedOut = new KeyRecord(old.keyId(), old.clientId(), old.scopes(), old.hint(), old.createdAt(),
                null, oldExpires, old.lastUsedAt());
        return Optional.of(new Rotation(rotatedOut, oldHash, created));
    }

    /** Now as PostgreSQL keeps it: what a caller is told is then what a later read finds. */
    private Instant now() {
        return stored(clock.instant());
    }

    private static Instant stored(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static KeyRecord read(ResultSet rs) throws SQLException {
        return new KeyRecord(rs.getString(1), rs.getString(2), Scope.parseList(rs.getString(3)), rs.getString(4),
                rs.getTimestamp(5).toInstant(), instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)),
                instant(rs.getTimestamp(8)));
    }
}
