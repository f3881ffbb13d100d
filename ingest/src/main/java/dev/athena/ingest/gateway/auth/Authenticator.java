package dev.athena.ingest.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Turns an {@code Authorization} header into a {@link Principal}. A token that does not have the shape of a key
 * (or of the configured bootstrap admin key) is refused before any lookup. Found keys are remembered briefly by
 * hash, so a revocation made on another instance takes effect within {@code cacheFor}.
 */
public final class Authenticator {
    private static final String BEARER = "Bearer ";

    private final KeyStore store;
    private final KeyHasher hasher;
    private final ApiKeyFormat format;
    private final byte[] adminKeyHash;
    private final Cache<String, Principal> recent;

    public Authenticator(KeyStore store, KeyHasher hasher, SecureRandom random, String bootstrapAdminKey,
            Duration cacheFor, Ticker ticker) {
        this.store = store;
        this.hasher = hasher;
        this.format = new ApiKeyFormat(random);
        this.adminKeyHash = bootstrapAdminKey == null ? null : hasher.hash(bootstrapAdminKey);
        this.recent = Caffeine.newBuilder().expireAfterWrite(cacheFor).maximumSize(10_000).ticker(ticker).build();
    }

    public Principal authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new AuthenticationException("missing", "an API key is required: Authorization: Bearer ath_...");
        }
        if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new AuthenticationException("not-bearer", "the Authorization header must be 'Bearer <key>'");
        }
        String token = authorization.substring(BEARER.length()).strip();
        if (ApiKeyFormat.isWellFormed(token)) {
            byte[] hash = hasher.hash(token);
            String cacheKey = HexFormat.of().formatHex(hash);
            Principal cached = recent.getIfPresent(cacheKey);
            if (cached != null) {
                return cached;
            }
            Optional<KeyStore.Match> match = store.findActiveByHash(hash);
            if (match.isPresent() && KeyHasher.same(match.get().storedHash(), hash)) {
                KeyRecord key = match.get().key();
                Principal principal = new Principal(key.keyId(), key.clientId(), key.scopes());
                recent.put(cacheKey, principal);
                return principal;
            }
            throw new AuthenticationException("unknown-key", "the API key is not valid or has been revoked");
        }
        if (adminKeyHash != null && !token.startsWith(ApiKeyFormat.PREFIX)
                && KeyHasher.same(adminKeyHash, hasher.hash(token))) {
            return new Principal(Principal.BOOTSTRAP_ADMIN, null, EnumSet.of(Scope.ADMIN));
        }
        throw new AuthenticationException("malformed", "the API key is malformed (expected ath_ followed by 40 "
                + "characters with a valid checksum)");
    }

    /** A new key for a client; the returned text is the only time the key exists outside the caller. */
    public CreatedKey create(String clientId, Set<Scope> scopes) {
        String key = format.generate();
        String keyId = "key_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        KeyRecord record = store.insert(keyId, clientId, scopes, hasher.hash(key), ApiKeyFormat.hint(key));
        return new CreatedKey(record, key);
    }

    public java.util.List<KeyRecord> list(String clientIdOrNull) {
        return store.list(clientIdOrNull);
    }

    public boolean revoke(String keyId) {
        Optional<byte[]> hash = store.revoke(keyId);
        hash.ifPresent(h -> recent.invalidate(HexFormat.of().formatHex(h)));
        return hash.isPresent();
    }

    /** Digest of a value that is not secret but should not be stored as given (idempotency keys). */
    public static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }

    /** The freshly created key and its record. {@code toString} hides the key. */
    public record CreatedKey(KeyRecord record, String key) {
        @Override
        public String toString() {
            return "CreatedKey[" + record + "]";
        }
    }
}
