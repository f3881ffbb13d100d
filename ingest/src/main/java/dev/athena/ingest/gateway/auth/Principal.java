package dev.athena.ingest.gateway.auth;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: a key id (never the key), the client it acts for (null for the bootstrap admin key) and its
 * scopes.
 */
public record Principal(String keyId, String clientId, Set<Scope> scopes) {
    public static final String BOOTSTRAP_ADMIN = "bootstrap-admin";

    public Principal {
        Objects.requireNonNull(keyId, "keyId");
        scopes = Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }
}
