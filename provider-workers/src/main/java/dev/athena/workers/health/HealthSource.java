package dev.athena.workers.health;

import dev.athena.workers.resilience.RateLimit;
import dev.athena.workers.resilience.ResilientProvider;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.Objects;
import java.util.function.IntSupplier;

/**
 * One provider of this instance as the health publisher sees it: the live resilience objects it reads on every
 * tick. A provider without guards ({@code builtin}) has no breaker, bulkhead or limit, and no priority (it is
 * always last).
 */
public record HealthSource(String provider, String model, Integer priority, CircuitBreaker breaker,
        Bulkhead bulkhead, RateLimit limit, IntSupplier queued) {
    public HealthSource {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (priority != null && priority < 1) {
            throw new IllegalArgumentException("priority must be >= 1 but was " + priority + " for " + provider);
        }
        if (provider.contains("|")) {
            throw new IllegalArgumentException("provider name must not contain '|' but was '" + provider + "'");
        }
        queued = queued == null ? () -> 0 : queued;
    }

    /** A remote provider behind its guards. */
    public static HealthSource of(int priority, ResilientProvider provider) {
        return new HealthSource(provider.name(), provider.defaultModel(), priority, provider.circuitBreaker(),
                provider.bulkhead(), provider.rateLimit(), provider::queued);
    }

    /** A provider that nothing guards (builtin). */
    public static HealthSource unguarded(String provider, String model) {
        return new HealthSource(provider, model, null, null, null, null, null);
    }
}
