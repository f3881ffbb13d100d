package dev.athena.ingest.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@code Authorization} header into a {@link Principal}. A token that does not have the shape of a key
 * (or of the configured bootstrap admin key) is refused before any lookup. Found keys are remembered briefly by
 * hash, so a revocation or rotation made on another instance takes effect within {@code cacheFor}; a key's
 * expiry takes effect at once, remembered or not.
 */
public final class Authenticator {
    private static final String BEARER = "Bearer ";
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** A key found in the store, remembered with its expiry. */
    private record Known(Principal principal, Instant expiresAt) {
    }

    private final KeyStore store;
    private final KeyHasher hasher;
    private final ApiKeyFormat format;
    private final byte[] adminKeyHash;
    private final InstantSource clock;
    private final Cache<String, Known> recent;

    public Authenticator(KeyStore store, KeyHasher hasher, SecureRandom random, String bootstrapAdminKey,
            Duration cacheFor, Ticker ticker, InstantSource clock) {
        this.store = store;
        this.hasher = hasher;
        this.format = new ApiKeyFormat(random);
        this.adminKeyHash = bootstrapAdminKey == null ? null : hasher.hash(bootstrapAdminKey);
        this.clock = clock;
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
            Known known = recent.getIfPresent(cacheKey);
            if (known == null) {
                known = lookUp(hash);
                recent.put(cacheKey, known);
            }
            if (known.expiresAt() != null && !clock.instant().isBefore(known.expiresAt())) {
                throw new AuthenticationException("expired-key", "the API key expired at " + known.expiresAt()
                        + "; ask an admin for a new one");
            }
            return known.principal();
        }
        if (adminKeyHash != null && !token.startsWith(ApiKeyFormat.PREFIX)
                && KeyHasher.same(adminKeyHash, hasher.hash(token))) {
            return new Principal(Principal.BOOTSTRAP_ADMIN, null, EnumSet.of(Scope.ADMIN));
        }
        throw new AuthenticationException("malformed", "the API key is malformed (expected ath_ followed by 40 "
                + "characters with a valid checksum)");
    }

    private Known lookUp(byte[] hash) {
        Optional<KeyStore.Match> match = store.findUnrevokedByHash(hash);
        if (match.isEmpty() || !KeyHasher.same(match.get().storedHash(), hash)) {
            throw new AuthenticationException("unknown-key", "the API key is not valid or has been revoked");
        }
        KeyRecord key = match.get().key();
        if (!key.expiredAt(clock.instant())) {
            noteUsed(key);
        }
        return new Known(new Principal(key.keyId(), key.clientId(), key.scopes()), key.expiresAt());
    }

    /** Bookkeeping for admins: a store that just answered the lookup and then fails here costs no request. */
    private void noteUsed(KeyRecord key) {
        try {
            store.noteUsed(key);
        } catch (RuntimeException e) {
            LOG.warn("could not note the use of key {}: {}", key.keyId(), e.toString());
        }
    }

    /**
     * A new key for a client; the returned text is the only time the key exists outside the caller.
     *
     * @param expiresAt null: the key does not expire
     */
    public CreatedKey create(String clientId, Set<Scope> scopes, Instant expiresAt) {
        String key = format.generate();
        KeyRecord record = store.insert(new KeyStore.NewKey(newKeyId(), clientId, scopes, hasher.hash(key),
                ApiKeyFormat.hint(key), expiresAt));
        return new CreatedKey(record, key);
    }

    /**
     * A new key with the client and scopes of an active one, which stays valid for {@code grace} (or until its
     * own expiry, if sooner), so its holders can switch over without an outage.
     *
     * @param expiresAt the new key's expiry; null: it does not expire
     * @return empty when no active key has the id (unknown, revoked or expired)
     */
    public Optional<RotatedKey> rotate(String keyId, Duration grace, Instant expiresAt) {
        String key = format.generate();
        Optional<KeyStore.Rotation> rotation = store.rotate(keyId, new KeyStore.Replacement(newKeyId(),
                hasher.hash(key), ApiKeyFormat.hint(key), expiresAt), grace);
        rotation.ifPresent(r -> recent.invalidate(HexFormat.of().formatHex(r.oldHash())));
        return rotation.map(r -> new RotatedKey(new CreatedKey(r.replacement(), key), r.old()));
    }

    private static String newKeyId() {
        return "key_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
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

    /** The key that replaces a rotated one, and the rotated one with its new expiry. */
    public record RotatedKey(CreatedKey replacement, KeyRecord old) {
    }

    /** The freshly created key and its record. {@code toString} hides the key. */
    public record CreatedKey(KeyRecord record, String key) {
        @Override
        public String toString() {
            return "CreatedKey[" + record + "]";
        }
    }
}
