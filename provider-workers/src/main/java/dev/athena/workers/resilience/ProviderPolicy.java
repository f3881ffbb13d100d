package dev.athena.workers.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * The resilience settings of one provider. Limits: requests and tokens per minute (all instances together),
 * concurrent calls and queued callers per instance. Breaker: failure-rate and slow-call-rate thresholds over a
 * sliding window of calls, the slow-call duration, and the open-state wait growing by {@code openBackoff}
 * from {@code openWait}. Retry: attempts (first one included) and the backoff range.
 */
public record ProviderPolicy(long requestsPerMinute, long tokensPerMinute, int maxConcurrent, int maxQueued,
        Duration maxQueueWait, float failureRateThreshold, float slowCallRateThreshold, Duration slowCallDuration,
        int slidingWindowCalls, int minimumCalls, Duration openWait, Duration maxOpenWait, Backoff openBackoff,
        int halfOpenCalls, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public ProviderPolicy {
        positive(requestsPerMinute, "requestsPerMinute");
        positive(tokensPerMinute, "tokensPerMinute");
        positive(maxConcurrent, "maxConcurrent");
        if (maxQueued < 0) {
            throw new IllegalArgumentException("maxQueued must be >= 0 but was " + maxQueued);
        }
        if (failureRateThreshold <= 0 || failureRateThreshold > 100 || slowCallRateThreshold <= 0
                || slowCallRateThreshold > 100) {
            throw new IllegalArgumentException("rate thresholds must be within (0, 100] but were "
                    + failureRateThreshold + " and " + slowCallRateThreshold);
        }
        positive(slidingWindowCalls, "slidingWindowCalls");
        positive(minimumCalls, "minimumCalls");
        positive(halfOpenCalls, "halfOpenCalls");
        positive(maxAttempts, "maxAttempts");
        Objects.requireNonNull(openBackoff, "openBackoff");
        for (Duration d : new Duration[] {maxQueueWait, slowCallDuration, openWait, maxOpenWait, initialBackoff,
                maxBackoff}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("durations must not be negative but one was " + d);
            }
        }
    }

    /** The seed's defaults with this provider's limits. */
    public static ProviderPolicy of(long requestsPerMinute, long tokensPerMinute, int maxConcurrent) {
        return new ProviderPolicy(requestsPerMinute, tokensPerMinute, maxConcurrent, maxConcurrent * 4,
                Duration.ofSeconds(10), 50f, 80f, Duration.ofSeconds(30), 20, 10, Duration.ofSeconds(10),
                Duration.ofMinutes(5), Backoff.EXPONENTIAL, 3, 3, Duration.ofMillis(500), Duration.ofSeconds(20));
    }

    public ProviderPolicy withRetry(int attempts, Duration initial, Duration max) {
        return new ProviderPolicy(requestsPerMinute, tokensPerMinute, maxConcurrent, maxQueued, maxQueueWait,
                failureRateThreshold, slowCallRateThreshold, slowCallDuration, slidingWindowCalls, minimumCalls,
                openWait, maxOpenWait, openBackoff, halfOpenCalls, attempts, initial, max);
    }

    /** The open-state wait: {@code wait} after the first opening, growing by {@code backoff} up to {@code max}. */
    public ProviderPolicy withOpenWait(Duration wait, Duration max, Backoff backoff) {
        return new ProviderPolicy(requestsPerMinute, tokensPerMinute, maxConcurrent, maxQueued, maxQueueWait,
                failureRateThreshold, slowCallRateThreshold, slowCallDuration, slidingWindowCalls, minimumCalls, wait,
                max, backoff, halfOpenCalls, maxAttempts, initialBackoff, maxBackoff);
    }

    public ProviderPolicy withBreaker(int windowCalls, int minCalls, Duration wait, Backoff backoff) {
        return new ProviderPolicy(requestsPerMinute, tokensPerMinute, maxConcurrent, maxQueued, maxQueueWait,
                failureRateThreshold, slowCallRateThreshold, slowCallDuration, windowCalls, minCalls, wait,
                maxOpenWait, backoff, halfOpenCalls, maxAttempts, initialBackoff, maxBackoff);
    }

    private static void positive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1 but was " + value);
        }
    }
}
