package dev.athena.collector.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.athena.schemas.message.CachedAnalysis;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * L1 (Caffeine, in this process) in front of Redis (shared). L1 holds what Redis answered for a short time only:
 * the result-splitter invalidates in Redis, and a short L1 life bounds how long a stale answer can outlive that.
 */
public final class TieredCacheLookup implements CacheLookup {
    public static final Duration L1_TTL = Duration.ofSeconds(60);
    public static final long L1_ENTRIES = 10_000;
    public static final Duration REDIS_TIMEOUT = Duration.ofMillis(100);
    public static final Duration REDIS_BACKOFF = Duration.ofSeconds(2);

    private final Cache<String, CachedAnalysis> l1;
    private final RedisCacheReader redis;

    TieredCacheLookup(RedisCacheReader redis, Duration l1Ttl, long l1Entries) {
        this.redis = redis;
        this.l1 = Caffeine.newBuilder().maximumSize(l1Entries).expireAfterWrite(l1Ttl).build();
    }

    /** L1 in front of the Redis at {@code redisUrl} (such as {@code redis://127.0.0.1:6379}). */
    public static TieredCacheLookup connect(String redisUrl, InstantSource clock) {
        return new TieredCacheLookup(RedisCacheReader.connect(redisUrl, REDIS_TIMEOUT, REDIS_BACKOFF, clock),
                L1_TTL, L1_ENTRIES);
    }

    @Override
    public Optional<CacheHit> find(String cacheKey) {
        CachedAnalysis local = l1.getIfPresent(cacheKey);
        if (local != null) {
            return Optional.of(new CacheHit(local, CacheTier.L1));
        }
        Optional<CachedAnalysis> shared = redis.read(cacheKey);
        shared.ifPresent(entry -> l1.put(cacheKey, entry));
        return shared.map(entry -> new CacheHit(entry, CacheTier.REDIS));
    }

    @Override
    public void close() {
        redis.close();
    }
}
