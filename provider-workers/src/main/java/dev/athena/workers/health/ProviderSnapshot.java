package dev.athena.workers.health;

import dev.athena.workers.resilience.LimiterHeadroom;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Instant;

/**
 * The health of one provider in one worker instance at {@code updatedAt}, as written to Redis (see the README's
 * "Provider health" contract). Fields a provider does not have (builtin: breaker, bulkhead, limiter) are
 * {@code null}; so are the breaker's rates until its window holds the minimum number of calls.
 */
public record ProviderSnapshot(String provider, String model, String instanceId, Integer priority,
        String breakerState, Float failureRate, Float slowCallRate, Integer bulkheadAvailable,
        Integer bulkheadMaxConcurrent, Integer bulkheadQueued, Limiter limiter, Instant updatedAt) {

    /** The rate limit's headroom; {@code shared} false means this instance's share while Redis is away. */
    public record Limiter(long requestsPerMinute, long requestsRemaining, long tokensPerMinute, long tokensRemaining,
            Instant pausedUntil, boolean shared) {
        static Limiter of(LimiterHeadroom h) {
            return new Limiter(h.requestsPerMinute(), h.requestsRemaining(), h.tokensPerMinute(),
                    h.tokensRemaining(), h.pausedUntil(), h.shared());
        }
    }

    static ProviderSnapshot of(HealthSource source, String instanceId, Instant now) {
        CircuitBreaker breaker = source.breaker();
        Bulkhead bulkhead = source.bulkhead();
        Limiter limiter = source.limit() == null ? null
                : source.limit().headroom().map(Limiter::of).orElse(null);
        return new ProviderSnapshot(source.provider(), source.model(), instanceId, source.priority(),
                breaker == null ? null : breaker.getState().name(),
                breaker == null ? null : rate(breaker.getMetrics().getFailureRate()),
                breaker == null ? null : rate(breaker.getMetrics().getSlowCallRate()),
                bulkhead == null ? null : bulkhead.getMetrics().getAvailableConcurrentCalls(),
                bulkhead == null ? null : bulkhead.getMetrics().getMaxAllowedConcurrentCalls(),
                bulkhead == null ? null : source.queued().getAsInt(),
                limiter, now);
    }

    /** resilience4j reports -1 while the window is too small to judge. */
    private static Float rate(float value) {
        return value < 0 ? null : value;
    }

    /** The hash field: one per provider and instance. */
    public String field() {
        return field(provider, instanceId);
    }

    static String field(String provider, String instanceId) {
        return provider + "|" + instanceId;
    }
}
