package dev.athena.collector.cache;

import dev.athena.schemas.message.CachedAnalysis;
import java.util.Objects;

/** An answer already paid for, and the tier that had it. */
public record CacheHit(CachedAnalysis analysis, CacheTier tier) {
    public CacheHit {
        Objects.requireNonNull(analysis, "analysis");
        Objects.requireNonNull(tier, "tier");
    }
}
