package dev.athena.ingest.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.gateway.store.GatewayMigrations;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Keys that expire and keys rotated out, on the real PostgreSQL, with a clock the test moves: an expiry holds
 * even while the key is remembered, a rotated key works for its grace period and no longer, and when a key was
 * last used is noted at most once a minute.
 */
@Tag("integration")
class KeyLifecycleIT {
    private static final byte[] SECRET = "key-lifecycle-test-secret-of-32-bytes".getBytes(StandardCharsets.UTF_8);
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final HikariDataSource dataSource = new HikariDataSource();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T12:00:00Z"));
    private final InstantSource clock = now::get;
    private final String client = "life-" + UUID.randomUUID().toString().substring(0, 8);
    private final KeyStore store;
    // remembers found keys for an hour, so every check after the first is made on the remembered key
    private final Authenticator authenticator;

    KeyLifecycleIT() {
        dataSource.setJdbcUrl(endpoints.jdbcUrl());
        dataSource.setUsername(endpoints.dbUser());
        dataSource.setPassword(endpoints.dbPassword());
        GatewayMigrations.migrate(dataSource);
        store = new KeyStore(dataSource, clock);
        authenticator = new Authenticator(store, new KeyHasher(SECRET),
                new SecureRandom(), null, Duration.ofHours(1), () -> 0L, clock);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void shouldRefuseAKeyFromItsExpiryOnEvenWhileItIsRemembered() {
        Instant expiresAt = now.get().plus(Duration.ofDays(90));
        var created = authenticator.create(client, EnumSet.of(Scope.READ), expiresAt);
        assertThat(created.record().expiresAt()).isEqualTo(expiresAt);
        assertThat(authenticator.authenticate(bearer(created.key())).clientId()).isEqualTo(client);

        now.set(expiresAt.minusMillis(1));
        assertThat(authenticator.authenticate(bearer(created.key())).keyId()).isEqualTo(created.record().keyId());
        now.set(expiresAt);
        assertThatThrownBy(() -> authenticator.authenticate(bearer(created.key())))
                .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                    assertThat(e.reason()).isEqualTo("expired-key");
                    assertThat(e.getMessage()).contains("expired at " + expiresAt);
                });
        assertThat(key(created.record().keyId()).stateAt(now.get())).isEqualTo("expired");
        assertThat(authenticator.rotate(created.record().keyId(), Duration.ofHours(1), null)).isEmpty();
    }

    @Test
    void shouldKeepARotatedKeyWorkingForItsGracePeriodOnlyAndGiveTheNewOneItsClientAndScopes() {
        var old = authenticator.create(client, EnumSet.of(Scope.SUBMIT, Scope.READ), null);
        assertThat(authenticator.authenticate(bearer(old.key())).keyId()).isEqualTo(old.record().keyId());

        var rotated = authenticator.rotate(old.record().keyId(), Duration.ofHours(24), null).orElseThrow();
        KeyRecord replacement = rotated.replacement().record();
        assertThat(replacement.keyId()).isNotEqualTo(old.record().keyId());
        assertThat(replacement.clientId()).isEqualTo(client);
        assertThat(replacement.scopes()).isEqualTo(Set.of(Scope.SUBMIT, Scope.READ));
        assertThat(replacement.expiresAt()).isNull();
        assertThat(rotated.old().expiresAt()).isEqualTo(now.get().plus(Duration.ofHours(24)));
        assertThat(key(old.record().keyId()).expiresAt()).isEqualTo(rotated.old().expiresAt());

        now.set(now.get().plus(Duration.ofHours(23)));
        assertThat(authenticator.authenticate(bearer(old.key())).keyId()).isEqualTo(old.record().keyId());
        assertThat(authenticator.authenticate(bearer(rotated.replacement().key())).keyId())
                .isEqualTo(replacement.keyId());
        now.set(now.get().plus(Duration.ofHours(1)));
        assertThatThrownBy(() -> authenticator.authenticate(bearer(old.key())))
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.reason()).isEqualTo("expired-key"));
        assertThat(authenticator.authenticate(bearer(rotated.replacement().key())).clientId()).isEqualTo(client);
    }

    @Test
    void shouldNotLetARotationLengthenAKeysLifeAndRefuseRotatingARevokedOrUnknownKey() {
        Instant soon = now.get().plus(Duration.ofHours(2));
        var old = authenticator.create(client, EnumSet.of(Scope.READ), soon);
        Instant newExpiry = now.get().plus(Duration.ofDays(30));
        var rotated = authenticator.rotate(old.record().keyId(), Duration.ofDays(7), newExpiry).orElseThrow();
        assertThat(rotated.old().expiresAt()).isEqualTo(soon);
        assertThat(rotated.replacement().record().expiresAt()).isEqualTo(newExpiry);

        var revoked = authenticator.create(client, EnumSet.of(Scope.READ), null);
        assertThat(authenticator.revoke(revoked.record().keyId())).isTrue();
        assertThat(authenticator.rotate(revoked.record().keyId(), Duration.ZERO, null)).isEmpty();
        assertThat(authenticator.rotate("key_" + "0".repeat(16), Duration.ZERO, null)).isEmpty();
        assertThat(store.list(client)).hasSize(3);
    }

    @Test
    void shouldNoteWhenAKeyWasLastUsedAtMostOnceAMinute() {
        // a short memory this time, so each authentication below reads the store again
        var forgetful = new Authenticator(store, new KeyHasher(SECRET),
                new SecureRandom(), null, Duration.ofNanos(1), System::nanoTime, clock);
        var created = forgetful.create(client, EnumSet.of(Scope.READ), null);
        assertThat(key(created.record().keyId()).lastUsedAt()).isNull();

        Instant first = now.get();
        forgetful.authenticate(bearer(created.key()));
        assertThat(key(created.record().keyId()).lastUsedAt()).isEqualTo(first);
        now.set(first.plusSeconds(30));
        forgetful.authenticate(bearer(created.key()));
        assertThat(key(created.record().keyId()).lastUsedAt()).isEqualTo(first);
        now.set(first.plusSeconds(61));
        forgetful.authenticate(bearer(created.key()));
        assertThat(key(created.record().keyId()).lastUsedAt()).isEqualTo(first.plusSeconds(61));
    }

    @Test
    void shouldCountTheActiveKeysThatExpireWithinAWeek() {
        // long ago: no other test's keys expire in that week
        Instant longAgo = Instant.parse("2000-01-01T00:00:00Z");
        KeyStore past = new KeyStore(dataSource, () -> longAgo);
        past.insert(newKey(longAgo.plus(Duration.ofDays(3))));
        past.insert(newKey(longAgo.plus(Duration.ofDays(7))));
        past.insert(newKey(longAgo.plus(Duration.ofDays(10))));
        past.insert(newKey(longAgo.minus(Duration.ofDays(1))));
        KeyRecord revoked = past.insert(newKey(longAgo.plus(Duration.ofDays(2))));
        assertThat(past.revoke(revoked.keyId())).isPresent();
        var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var expiring = new ExpiringKeys(past, new dev.athena.ingest.gateway.GatewayMetrics(registry));

        expiring.refresh();

        assertThat(expiring.lastCount()).as("in 3 and in 7 days; not in 10, not expired, not revoked").isEqualTo(2);
        assertThat(registry.get("athena.gateway.keys.expiring").tag("within", "7d").gauge().value()).isEqualTo(2.0);
    }

    @Test
    void shouldTellTheInstantsAsTheStoreKeepsThem() {
        now.set(Instant.parse("2026-12-02T12:00:00.123456789Z"));
        var created = authenticator.create(client, EnumSet.of(Scope.READ), now.get().plus(Duration.ofDays(1)));
        assertThat(created.record().createdAt()).isEqualTo("2026-12-02T12:00:00.123456Z");
        assertThat(created.record().expiresAt()).isEqualTo(key(created.record().keyId()).expiresAt())
                .isEqualTo("2026-12-03T12:00:00.123456Z");

        var rotated = authenticator.rotate(created.record().keyId(), Duration.ofSeconds(90), null).orElseThrow();
        assertThat(rotated.old().expiresAt()).isEqualTo(key(created.record().keyId()).expiresAt())
                .isEqualTo("2026-12-02T12:01:30.123456Z");
        assertThat(rotated.replacement().record().createdAt())
                .isEqualTo(key(rotated.replacement().record().keyId()).createdAt());
    }

    private KeyStore.NewKey newKey(Instant expiresAt) {
        String id = "key_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return new KeyStore.NewKey(id, client, Set.of(Scope.READ), id.getBytes(StandardCharsets.UTF_8), "ath_x...",
                expiresAt);
    }

    private KeyRecord key(String keyId) {
        return store.list(client).stream().filter(k -> k.keyId().equals(keyId)).findFirst().orElseThrow();
    }

    private static String bearer(String key) {
        return "Bearer " + key;
    }
}
