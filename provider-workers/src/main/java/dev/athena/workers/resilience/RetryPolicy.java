package dev.athena.workers.resilience;

import dev.athena.workers.provider.spi.ProviderException;
import dev.athena.workers.provider.spi.RetriableProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Retries retriable failures at one provider with jittered exponential backoff, honouring the provider's own
 * {@code retryAfter} on every attempt. Never retries what failover should handle at once: fatal errors
 * (among them exhausted quotas), our own limiter's and bulkhead's refusals, an open breaker. Gives up early when
 * the next wait would end past the deadline, so the item can still fail over in time.
 */
public final class RetryPolicy {
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final RetryListener listener;

    /** Told about every retry, for metrics. */
    @FunctionalInterface
    public interface RetryListener {
        RetryListener NONE = (provider, kind, wait) -> {
        };

        void retrying(String provider, RetriableProviderException.Kind kind, Duration wait);
    }

    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, InstantSource clock,
            Sleeper sleeper, RandomGenerator random, RetryListener listener) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.listener = listener;
    }

    public <T> T execute(Supplier<T> attempt, Instant deadline) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (RetriableProviderException e) {
                if (!e.kind().retriedHere() || n >= maxAttempts) {
                    throw e;
                }
                Duration wait = waitBefore(n, e);
                if (clock.instant().plus(wait).isAfter(deadline)) {
                    throw e; // waiting would use up the deadline: let the item fail over instead
                }
                listener.retrying(e.provider(), e.kind(), wait);
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            } catch (ProviderException e) {
                throw e; // fatal: another attempt here cannot help
            }
        }
    }

    /** Full jitter on the exponential curve, but never less than what the provider asked for. */
    Duration waitBefore(int retry, RetriableProviderException e) {
        Duration ceiling = Backoff.EXPONENTIAL.delay(initialBackoff, retry, maxBackoff);
        Duration jittered = Duration.ofMillis(ceiling.toMillis() / 2 + random.nextLong(ceiling.toMillis() / 2 + 1));
        return e.retryAfter().filter(ra -> ra.compareTo(jittered) > 0).orElse(jittered);
    }
}
