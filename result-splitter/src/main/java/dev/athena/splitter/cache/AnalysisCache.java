package dev.athena.splitter.cache;

import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.ItemResult;
import java.util.Optional;

/**
 * The answer cache as the splitter sees it: in-process first, Redis behind it. Threading: every method may be
 * called from any thread. Errors: Redis failures never escape; they are counted and the cache behaves as if the
 * Redis tier were empty, so a Redis outage costs hits, never deliveries.
 */
public interface AnalysisCache extends AutoCloseable {
    /** Caches a finished item under its served and requested keys, if it is cacheable; returns at once. */
    void put(ItemResult item);

    /** Looks a key up in L1, then Redis; a Redis hit is copied into L1. */
    Optional<CachedAnalysis> get(String key);

    @Override
    void close();
}
