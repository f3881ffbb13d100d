package dev.athena.splitter.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.splitter.metrics.SplitterMetrics;
import dev.athena.splitter.metrics.SplitterMetrics.Lookup;
import dev.athena.splitter.metrics.SplitterMetrics.Tier;
import dev.athena.splitter.metrics.SplitterMetrics.Write;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * L1 (Caffeine, bounded by size and TTL) over L3 (Redis). Redis values are the {@link CachedAnalysis} JSON under
 * the cache key itself ({@code analysis:...}), readable by any Redis client; each key is also added to a Redis
 * set per tag and UTC day of writing ({@code athena:cache:tag:<yyyy-mm-dd>:<tag>}) so that invalidation by tag
 * finds it. A day's set expires at a fixed time, once every answer written that day has expired: one set per tag
 * whose expiry each write pushed out never expired and kept every key ever written under a busy tag.
 *
 * <p>Design notes: writes to Redis are asynchronous and bounded by a semaphore of in-flight batches, so a slow or
 * absent Redis drops cache writes (counted) instead of queueing without bound or blocking the delivery thread.
 * Reads wait at most {@link #READ_TIMEOUT}.
 */
public final class TieredCache implements AnalysisCache {
    public static final String TAG_PREFIX = "athena:cache:tag:";
    static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    private static final Logger LOG = LoggerFactory.getLogger(TieredCache.class);
    private static final int MAX_IN_FLIGHT = 256;

    private final RedissonClient redis;
    private final Cache<String, L1Entry> l1;
    private final CacheSettings settings;
    private final Clock clock;
    private final SplitterMetrics metrics;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    public TieredCache(RedissonClient redis, CacheSettings settings, Clock clock, SplitterMetrics metrics) {
        this.redis = redis;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.l1 = Caffeine.newBuilder()
                .maximumSize(settings.l1MaxEntries())
                .expireAfterWrite(settings.l1Ttl())
                .evictionListener((String key, L1Entry value, RemovalCause cause) ->
                        metrics.eviction(cause.name().toLowerCase(Locale.ROOT)).increment())
                .build();
        metrics.l1Entries(l1::estimatedSize);
    }

    @Override
    public void put(ItemResult item) {
        Set<String> keys = CacheKeys.keysFor(item);
        if (keys.isEmpty()) {
            return;
        }
        Set<String> tags = CacheKeys.tagsFor(item);
        Duration ttl = settings.redisTtlFor(item.analysisType());
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Instant setsExpire = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
                .plus(settings.longestRedisTtl());
        // one quick retry: the first command after a Redis restart may meet a connection that died with it
        RBatch batch = redis.createBatch(BatchOptions.defaults().retryAttempts(2)
                .retryDelay(attempt -> Duration.ofMillis(300)).responseTimeout(1, TimeUnit.SECONDS).skipResult());
        for (String key : keys) {
            CachedAnalysis entry = new CachedAnalysis(SchemaVersion.CURRENT, key, item.servedBy(), item.findings(),
                    item.summary(), item.usage(), clock.instant());
            l1.put(key, new L1Entry(entry, tags));
            metrics.write(Tier.L1, Write.OK).increment();
            batch.getBucket(key, StringCodec.INSTANCE).setAsync(Json.writeString(entry), ttl);
            for (String tag : tags) {
                var set = batch.getSet(tagSet(tag, today), StringCodec.INSTANCE);
                set.addAsync(key);
                set.expireAsync(setsExpire);
            }
        }
        if (!inFlight.tryAcquire()) {
            metrics.write(Tier.REDIS, Write.DROPPED).increment(keys.size());
            return;
        }
        batch.executeAsync().whenComplete((ignored, error) -> {
            inFlight.release();
            if (error == null) {
                metrics.write(Tier.REDIS, Write.OK).increment(keys.size());
            } else {
                metrics.write(Tier.REDIS, Write.FAILED).increment(keys.size());
                metrics.redisError();
                LOG.debug("cache write to Redis failed: {}", error.toString());
            }
        });
    }

    @Override
    public Optional<CachedAnalysis> get(String key) {
        L1Entry local = l1.getIfPresent(key);
        if (local != null) {
            metrics.lookup(Tier.L1, Lookup.HIT).increment();
            return Optional.of(local.analysis());
        }
        metrics.lookup(Tier.L1, Lookup.MISS).increment();
        String json;
        try {
            json = redis.<String>getBucket(key, StringCodec.INSTANCE).getAsync().toCompletableFuture()
                    .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            metrics.redisError();
            metrics.lookup(Tier.REDIS, Lookup.MISS).increment();
            return Optional.empty();
        }
        if (json == null) {
            metrics.lookup(Tier.REDIS, Lookup.MISS).increment();
            return Optional.empty();
        }
        CachedAnalysis entry = Json.read(json, CachedAnalysis.class);
        l1.put(key, new L1Entry(entry, tagsOf(key, entry)));
        metrics.lookup(Tier.REDIS, Lookup.HIT).increment();
        return Optional.of(entry);
    }

    static String tagSet(String tag, LocalDate day) {
        return TAG_PREFIX + day + ":" + tag;
    }

    /**
     * Every Redis set that may index answers under {@code tag} at {@code now}: a day's set for each day whose
     * answers may live yet (and tomorrow's, for a writer whose clock is ahead), plus the one set per tag that
     * builds before day sets wrote.
     */
    public List<String> tagSetsOf(String tag, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long days = settings.longestRedisTtl().toDays() + 1;
        List<String> sets = new ArrayList<>();
        for (LocalDate day = today.plusDays(1); !day.isBefore(today.minusDays(days)); day = day.minusDays(1)) {
            sets.add(tagSet(tag, day));
        }
        sets.add(TAG_PREFIX + tag);
        return sets;
    }

    /** The L1 entry alone, without touching Redis or the metrics: for tests and the admin view. */
    public Optional<CachedAnalysis> peekL1(String key) {
        return Optional.ofNullable(l1.getIfPresent(key)).map(L1Entry::analysis);
    }

    /**
     * Drops what an invalidation covers from this instance's L1: the keys it resolved to in Redis, plus any local
     * entry that matches it by key, glob or tag (entries whose Redis write never happened are known only here).
     *
     * @return the number of L1 entries dropped
     */
    public int apply(InvalidationEvent event) {
        Invalidation request = event.request();
        if (event.flushL1() || request.kind() == Invalidation.Kind.ALL) {
            int size = (int) l1.estimatedSize();
            l1.invalidateAll();
            metrics.eviction("invalidated").increment(size);
            return size;
        }
        Set<String> doomed = new HashSet<>(event.keys());
        switch (request.kind()) {
            case KEY -> doomed.add(request.value());
            case PATTERN -> {
                Pattern glob = Globs.toRegex(request.redisPattern());
                l1.asMap().keySet().stream().filter(k -> glob.matcher(k).matches()).forEach(doomed::add);
            }
            case TAG -> l1.asMap().forEach((k, v) -> {
                if (v.tags().contains(request.value())) {
                    doomed.add(k);
                }
            });
            default -> throw new IllegalStateException("unhandled " + request.kind());
        }
        int dropped = 0;
        for (String key : doomed) {
            if (l1.asMap().remove(key) != null) {
                dropped++;
            }
        }
        metrics.eviction("invalidated").increment(dropped);
        return dropped;
    }

    /** Tags of an entry read back from Redis: what its key and servedBy say (path and repo are not in them). */
    private static Set<String> tagsOf(String key, CachedAnalysis entry) {
        Set<String> tags = new HashSet<>();
        CacheKeys.parse(key).ifPresent(k -> {
            tags.add("type:" + k.analysisType().wireName());
            tags.add("model:" + k.provider() + "/" + k.model());
        });
        tags.add("model:" + entry.servedBy().provider() + "/" + entry.servedBy().model());
        return tags;
    }

    /** An L1 value: the answer and the tags it was indexed under. */
    record L1Entry(CachedAnalysis analysis, Set<String> tags) {
    }

    /** Waits until the Redis writes started so far have finished (or the timeout passes). */
    public boolean awaitWrites(Duration timeout) throws InterruptedException {
        if (inFlight.tryAcquire(MAX_IN_FLIGHT, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            inFlight.release(MAX_IN_FLIGHT);
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        l1.invalidateAll();
    }
}
