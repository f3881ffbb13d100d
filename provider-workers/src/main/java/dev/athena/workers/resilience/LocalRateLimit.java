package dev.athena.workers.resilience;

import dev.athena.workers.provider.spi.RetriableProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A per-instance limit: two token buckets (requests, tokens) refilled continuously at their per-minute rate,
 * with reservation: a caller that must wait reserves its share first and then sleeps, so waiters are served
 * in order and never overtake each other. Time and sleeping are injected.
 */
public final class LocalRateLimit implements RateLimit {
    private final String provider;
    private final Bucket requests;
    private final Bucket tokens;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private Instant pausedUntil = Instant.MIN; // guarded by this

    public LocalRateLimit(String provider, long requestsPerMinute, long tokensPerMinute, InstantSource clock,
            Sleeper sleeper) {
        if (requestsPerMinute < 1 || tokensPerMinute < 1) {
            throw new IllegalArgumentException("limits must be >= 1 per minute but were " + requestsPerMinute
                    + " requests and " + tokensPerMinute + " tokens");
        }
        this.provider = provider;
        this.clock = clock;
        this.sleeper = sleeper;
        this.requests = new Bucket(requestsPerMinute, clock.instant());
        this.tokens = new Bucket(tokensPerMinute, clock.instant());
    }

    @Override
    public void acquire(long wantedTokens, Duration maxWait) {
        Duration wait = reserve(Math.max(0, wantedTokens), maxWait);
        if (wait.isZero()) {
            return;
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw limited("interrupted while waiting for the rate limit");
        }
    }

    private synchronized Duration reserve(long wantedTokens, Duration maxWait) {
        Instant now = clock.instant();
        long pause = pausedUntil.isAfter(now) ? Duration.between(now, pausedUntil).toMillis() : 0;
        long take = Math.min(wantedTokens, tokens.capacity);
        long waitMillis = Math.max(pause, Math.max(requests.waitMillis(1, now), tokens.waitMillis(take, now)));
        if (waitMillis > maxWait.toMillis()) {
            throw limited("rate limit of " + provider + " needs a wait of " + waitMillis + " ms, longer than "
                    + maxWait.toMillis() + " ms");
        }
        requests.take(1, now);
        tokens.take(take, now);
        return Duration.ofMillis(waitMillis);
    }

    @Override
    public synchronized void pause(Duration duration) {
        Instant until = clock.instant().plus(duration);
        if (until.isAfter(pausedUntil)) {
            pausedUntil = until;
        }
    }

    @Override
    public synchronized java.util.Optional<LimiterHeadroom> headroom() {
        Instant now = clock.instant();
        return java.util.Optional.of(new LimiterHeadroom(requests.capacity, requests.remaining(now), tokens.capacity,
                tokens.remaining(now), pausedUntil.isAfter(now) ? pausedUntil : null, false));
    }

    private RetriableProviderException limited(String message) {
        return new RetriableProviderException(provider, RetriableProviderException.Kind.LOCALLY_LIMITED, 0, message);
    }

    /** Continuous refill at capacity per minute; may go negative to hold reservations. */
    private static final class Bucket {
        private final long capacity;
        private double available;
        private Instant refilled;

        Bucket(long perMinute, Instant now) {
            this.capacity = perMinute;
            this.available = perMinute;
            this.refilled = now;
        }

        private void refill(Instant now) {
            if (now.isAfter(refilled)) {
                double add = Duration.between(refilled, now).toNanos() / 60e9 * capacity;
                available = Math.min(capacity, available + add);
                refilled = now;
            }
        }

        long waitMillis(long wanted, Instant now) {
            refill(now);
            double deficit = wanted - available;
            return deficit <= 0 ? 0 : (long) Math.ceil(deficit * 60_000.0 / capacity);
        }

        long remaining(Instant now) {
            refill(now);
            return Math.max(0, (long) Math.floor(available));
        }

        void take(long n, Instant now) {
            refill(now);
            available -= n;
        }
    }
}
