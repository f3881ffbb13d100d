package dev.athena.splitter.cache;

import dev.athena.schemas.message.AnalysisType;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;

/** The cache's share of the splitter settings. */
public record CacheSettings(Duration l1Ttl, long l1MaxEntries, Duration redisTtl,
        Map<AnalysisType, Duration> redisTtlByType) {
    public CacheSettings {
        if (l1MaxEntries < 1) {
            throw new IllegalArgumentException("l1MaxEntries must be >= 1 but was " + l1MaxEntries);
        }
        redisTtlByType = Map.copyOf(redisTtlByType);
    }

    public Duration redisTtlFor(AnalysisType type) {
        return type == null ? redisTtl : redisTtlByType.getOrDefault(type, redisTtl);
    }

    /** Tag sets mix types, so they must outlive the longest-lived entry they index. */
    public Duration longestRedisTtl() {
        return redisTtlByType.isEmpty() ? redisTtl
                : Collections.max(java.util.List.of(redisTtl, Collections.max(redisTtlByType.values())));
    }
}
