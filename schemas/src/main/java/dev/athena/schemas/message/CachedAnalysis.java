package dev.athena.schemas.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A completed answer as kept in the cache (L1 and Redis), under its {@link dev.athena.schemas.cache.CacheKey}.
 * Only answers that are COMPLETED and not degraded are cached.
 */
public record CachedAnalysis(int schemaVersion, String cacheKey, ServedBy servedBy, List<Finding> findings,
        String summary, Usage usage, Instant cachedAt) {
    public CachedAnalysis {
        Objects.requireNonNull(cacheKey, "cacheKey");
        Objects.requireNonNull(servedBy, "servedBy");
        findings = findings == null ? List.of() : List.copyOf(findings);
        usage = usage == null ? Usage.NONE : usage;
    }
}
