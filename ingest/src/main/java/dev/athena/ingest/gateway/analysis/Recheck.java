package dev.athena.ingest.gateway.analysis;

import java.time.Duration;

/**
 * How often a caller waiting for one result asks PostgreSQL again: the live feed brings nearly every result at
 * once, so the database is only the fallback for one this instance's feed did not see (a client topic created
 * after the feed last refreshed its subscription, say). The interval doubles from {@code first} up to
 * {@link #MAX}: an open stream or long poll costs a query every few seconds, not every second for ten minutes,
 * and a result the feed missed still shows within {@code MAX}.
 */
public record Recheck(Duration first) {
    public static final Duration MAX = Duration.ofSeconds(8);

    public Recheck {
        if (first == null || first.isNegative() || first.isZero()) {
            throw new IllegalArgumentException("first recheck must be positive but was " + first);
        }
    }

    /** The interval after {@code current}. */
    public Duration after(Duration current) {
        Duration doubled = current.multipliedBy(2);
        Duration cap = first.compareTo(MAX) > 0 ? first : MAX;
        return doubled.compareTo(cap) > 0 ? cap : doubled;
    }
}
