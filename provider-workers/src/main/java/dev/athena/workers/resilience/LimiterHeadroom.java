package dev.athena.workers.resilience;

import java.time.Instant;

/**
 * What a rate limit has left right now, for health reports: the configured budget per minute and what remains
 * of it (never negative), and until when a provider asked us to pause ({@code null} when not paused).
 * {@code shared} says whether the numbers are those of every instance together (Redis) or this instance's share.
 */
public record LimiterHeadroom(long requestsPerMinute, long requestsRemaining, long tokensPerMinute,
        long tokensRemaining, Instant pausedUntil, boolean shared) {
    public LimiterHeadroom {
        if (requestsPerMinute < 1 || tokensPerMinute < 1) {
            throw new IllegalArgumentException("limits must be >= 1 per minute but were " + requestsPerMinute
                    + " requests and " + tokensPerMinute + " tokens");
        }
        requestsRemaining = Math.clamp(requestsRemaining, 0, requestsPerMinute);
        tokensRemaining = Math.clamp(tokensRemaining, 0, tokensPerMinute);
    }
}
