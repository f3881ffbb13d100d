package dev.athena.ingest.gateway.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A stored key as an admin sees it: never the key, only its id, hint and state. {@code expiresAt} null: the key
 * never expires; {@code lastUsedAt} is noted at most once a minute per gateway instance, null if never used.
 */
public record KeyRecord(String keyId, String clientId, Set<Scope> scopes, String hint, Instant createdAt,
        Instant revokedAt, Instant expiresAt, Instant lastUsedAt) {
    public KeyRecord {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(clientId, "clientId");
        scopes = Set.copyOf(scopes);
    }

    /** Not revoked and not expired at {@code now}. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && !expiredAt(now);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** {@code active}, {@code expired} or {@code revoked} (a revoked key stays revoked whatever its expiry). */
    public String stateAt(Instant now) {
        return revokedAt != null ? "revoked" : expiredAt(now) ? "expired" : "active";
    }
}
