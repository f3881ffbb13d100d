package dev.athena.collector.cache;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.CachedAnalysis;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link CachedAnalysis} JSON strings from Redis. A failed read makes it skip Redis for {@code backoff},
 * so an absent Redis costs one {@code timeout} per backoff period rather than one per record.
 *
 * <p>Design notes: the stream thread is the only caller per task, but tasks on several threads share one reader,
 * hence the skip-until instant in an {@link AtomicReference}. Redisson is lazily initialised, so the collector
 * starts while Redis is down.
 */
final class RedisCacheReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCacheReader.class);

    private final RedissonClient redis;
    private final Duration timeout;
    private final Duration backoff;
    private final InstantSource clock;
    private final AtomicReference<Instant> skipUntil = new AtomicReference<>(Instant.MIN);

    RedisCacheReader(RedissonClient redis, Duration timeout, Duration backoff, InstantSource clock) {
        this.redis = redis;
        this.timeout = timeout;
        this.backoff = backoff;
        this.clock = clock;
    }

    static RedisCacheReader connect(String url, Duration timeout, Duration backoff, InstantSource clock) {
        Config config = new Config();
        config.setCodec(StringCodec.INSTANCE);
        config.setLazyInitialization(true);
        config.setThreads(1);
        config.setNettyThreads(2);
        int millis = (int) Math.max(1, timeout.toMillis());
        config.useSingleServer()
                .setAddress(url)
                .setClientName("athena-batch-collector")
                .setConnectTimeout(Math.max(millis, 500))
                .setTimeout(millis)
                .setRetryAttempts(0)
                .setConnectionMinimumIdleSize(1)
                .setConnectionPoolSize(4)
                .setSubscriptionConnectionMinimumIdleSize(0)
                .setPingConnectionInterval(2_000);
        return new RedisCacheReader(Redisson.create(config), timeout, backoff, clock);
    }

    Optional<CachedAnalysis> read(String key) {
        Instant now = clock.instant();
        if (now.isBefore(skipUntil.get())) {
            return Optional.empty();
        }
        String json;
        try {
            json = redis.<String>getBucket(key, StringCodec.INSTANCE).getAsync().toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            skipUntil.set(now.plus(backoff));
            LOG.warn("Redis cache unavailable, skipping it for {}: {}", backoff, e.toString());
            return Optional.empty();
        }
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(json, CachedAnalysis.class));
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable cache entry {}: {}", key, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        redis.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
