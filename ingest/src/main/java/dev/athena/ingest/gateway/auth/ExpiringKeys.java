package dev.athena.ingest.gateway.auth;

import dev.athena.ingest.gateway.GatewayMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the active keys that expire within a week, for the gauge {@code athena.gateway.keys.expiring} (and the
 * alert that reminds admins to rotate them). Counted on a schedule, not at each scrape: a scrape must not wait on
 * PostgreSQL, nor fail with it.
 */
public final class ExpiringKeys {
    public static final Duration WINDOW = Duration.ofDays(7);
    /** How often to count; a key's expiry is known days ahead, so minutes late is on time. */
    public static final Duration EVERY = Duration.ofMinutes(5);

    private final KeyStore store;
    private final AtomicLong expiring = new AtomicLong();

    public ExpiringKeys(KeyStore store, GatewayMetrics metrics) {
        this.store = store;
        metrics.keysExpiring(WINDOW.toDays() + "d", expiring::get);
    }

    /** Counts again; a store that fails leaves the last count. */
    public void refresh() {
        expiring.set(store.countExpiringWithin(WINDOW));
    }

    long lastCount() {
        return expiring.get();
    }
}
