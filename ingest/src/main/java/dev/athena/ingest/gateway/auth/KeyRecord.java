package dev.athena.ingest.gateway.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/** A stored key as an admin sees it: never the key, only its id, hint and state. */
public record KeyRecord(String keyId, String clientId, Set<Scope> scopes, String hint, Instant createdAt,
        Instant revokedAt) {
    public KeyRecord {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(clientId, "clientId");
        scopes = Set.copyOf(scopes);
    }

    public boolean active() {
        return revokedAt == null;
    }
}
