package dev.athena.collector.cache;

import java.util.Optional;

/**
 * Finds a completed answer under a {@link dev.athena.schemas.cache.CacheKey#value()}.
 *
 * <p>Contract: called on a stream thread, so it never throws and returns within a small bounded time; any
 * failure of a tier (Redis away, a corrupt entry) is a miss for that tier. The collector only reads the cache;
 * the result-splitter writes and invalidates it.
 */
public interface CacheLookup extends AutoCloseable {
    Optional<CacheHit> find(String cacheKey);

    @Override
    default void close() {
    }

    /** No cache: every lookup misses. */
    static CacheLookup none() {
        return key -> Optional.empty();
    }
}
