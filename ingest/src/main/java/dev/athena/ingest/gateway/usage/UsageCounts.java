package dev.athena.ingest.gateway.usage;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What a set of answered requests came to. {@code providerCalls}, {@code cached} and {@code shared} split {@code
 * requests}: the requests that paid for a provider call, those answered from the cache (including questions that
 * waited for an identical one in flight), and those that rode along on another requester's call in the same
 * batch. Only the first cost tokens and money.
 */
public record UsageCounts(long requests, long providerCalls, long cached, long shared, long inputTokens,
        long outputTokens, long cacheReadTokens, BigDecimal costUsd) {
    public static final UsageCounts ZERO = new UsageCounts(0, 0, 0, 0, 0, 0, 0, BigDecimal.ZERO);

    public UsageCounts {
        Objects.requireNonNull(costUsd, "costUsd");
    }

    public UsageCounts plus(UsageCounts other) {
        return new UsageCounts(requests + other.requests, providerCalls + other.providerCalls,
                cached + other.cached, shared + other.shared, inputTokens + other.inputTokens,
                outputTokens + other.outputTokens, cacheReadTokens + other.cacheReadTokens,
                costUsd.add(other.costUsd));
    }
}
