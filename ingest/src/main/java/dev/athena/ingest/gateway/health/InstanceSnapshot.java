package dev.athena.ingest.gateway.health;

import java.time.Instant;

/**
 * One provider in one worker instance, as the provider workers write it to Redis (the contract is in
 * provider-workers' README, "Provider health"). Read field by field: a field this gateway does not know is
 * ignored, one it expects but does not find is {@code null}. Builtin has no breaker, bulkhead or limiter.
 */
public record InstanceSnapshot(String provider, String model, String instanceId, Integer priority,
        String breakerState, Float failureRate, Float slowCallRate, Integer bulkheadAvailable,
        Integer bulkheadMaxConcurrent, Integer bulkheadQueued, Limiter limiter, Instant updatedAt) {

    /** Headroom of the instance's rate limit; {@code shared} false: its own share while Redis was away. */
    public record Limiter(long requestsPerMinute, long requestsRemaining, long tokensPerMinute, long tokensRemaining,
            Instant pausedUntil, boolean shared) {
    }
}
