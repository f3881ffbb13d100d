package dev.athena.splitter.cache;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.splitter.metrics.SplitterMetrics;
import dev.athena.splitter.store.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidation by key, pattern, tag or all, for every instance at once.
 *
 * <p>Protocol (plain Redis pub/sub with JSON strings, so the gateway, the CLI or {@code redis-cli PUBLISH} can
 * drive it without our classes):
 * <ul>
 *   <li>{@value #REQUESTS_CHANNEL}: an {@link Invalidation} to run. Every splitter hears it; the one that claims
 *       its id ({@code SET NX} on {@value #CLAIM_PREFIX}{@code <id>}) runs it, so it runs once.</li>
 *   <li>{@value #EVENTS_CHANNEL}: an {@link InvalidationEvent}, published by whoever ran the invalidation, with the
 *       keys it resolved to. Every process holding an L1 of answers (splitters, collectors) drops them.</li>
 * </ul>
 * Running one deletes the answers in Redis (and the tag sets that indexed them), drops this instance's L1 entries,
 * broadcasts the event and writes one audit row.
 *
 * <p>Design notes: listener callbacks run on Redisson threads, so requests are handed to one named thread here
 * instead of calling Redis synchronously from inside a callback.
 */
public final class CacheInvalidator implements AutoCloseable {
    public static final String REQUESTS_CHANNEL = "athena:cache:invalidation-requests";
    public static final String EVENTS_CHANNEL = "athena:cache:invalidations";
    public static final String CLAIM_PREFIX = "athena:cache:invalidation-claim:";
    static final int MAX_LISTED_KEYS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(CacheInvalidator.class);

    private final RedissonClient redis;
    private final TieredCache cache;
    private final Consumer<AuditEntry> audit;
    private final SplitterMetrics metrics;
    private final Clock clock;
    private final String instanceId;
    private static final Duration RESUBSCRIBE = Duration.ofSeconds(5);

    private final ScheduledExecutorService worker;
    private volatile Integer eventsListener;
    private volatile Integer requestsListener;
    private final RTopic requests;
    private final RTopic events;

    public CacheInvalidator(RedissonClient redis, TieredCache cache, Consumer<AuditEntry> audit,
            SplitterMetrics metrics, Clock clock, String instanceId) {
        this.redis = redis;
        this.cache = cache;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.instanceId = instanceId;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r,
                "athena-splitter-invalidator-" + instanceId));
        this.requests = redis.getTopic(REQUESTS_CHANNEL, StringCodec.INSTANCE);
        this.events = redis.getTopic(EVENTS_CHANNEL, StringCodec.INSTANCE);
    }

    /**
     * Subscribes to both channels, waiting a few seconds; when Redis is away it keeps trying every few seconds in
     * the background (a missed subscription would leave this L1 deaf to invalidations once Redis is back).
     */
    public void start() {
        subscribe();
    }

    private void subscribe() {
        try {
            if (eventsListener == null) {
                eventsListener = events.addListenerAsync(String.class, (channel, json) -> onEvent(json))
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            if (requestsListener == null) {
                requestsListener = requests.addListenerAsync(String.class,
                        (channel, json) -> {
                            if (!worker.isShutdown()) {
                                worker.execute(() -> onRequest(json));
                            }
                        })
                        .toCompletableFuture().get(5, TimeUnit.SECONDS);
            }
            LOG.info("listening for cache invalidations");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            metrics.redisError();
            LOG.warn("invalidation channels not subscribed (Redis away?), retrying in {}: {}", RESUBSCRIBE,
                    e.toString());
            if (!worker.isShutdown()) {
                worker.schedule(this::subscribe, RESUBSCRIBE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Runs an invalidation here and tells every instance. Never throws for Redis trouble; see the outcome. */
    public InvalidationOutcome invalidate(Invalidation request) {
        List<String> keys = new ArrayList<>();
        long deleted = 0;
        boolean flush = request.kind() == Invalidation.Kind.ALL;
        try {
            deleted = deleteInRedis(request, keys);
        } catch (RuntimeException e) {
            metrics.redisError();
            LOG.warn("invalidation {} could not reach Redis: {}", request.id(), e.toString());
        }
        if (keys.size() > MAX_LISTED_KEYS) {
            flush = true;
            keys.clear();
        }
        InvalidationEvent event = new InvalidationEvent(request, keys, flush, clock.instant());
        int dropped = cache.apply(event);
        boolean broadcast = publish(event);
        metrics.invalidation(SplitterMetrics.Invalidation.valueOf(request.kind().name())).increment();
        record(request, deleted, dropped);
        LOG.info("cache invalidation {} {} by {}: {} Redis keys deleted, {} L1 entries dropped, broadcast={}",
                request.kind().wireName(), request.value(), request.actor(), deleted, dropped, broadcast);
        return new InvalidationOutcome(request.id(), deleted, dropped, broadcast);
    }

    /** What any client does to ask for an invalidation; runs on whichever splitter claims it. */
    public static void request(RedissonClient redis, Invalidation request) {
        redis.getTopic(REQUESTS_CHANNEL, StringCodec.INSTANCE).publish(Json.writeString(request));
    }

    private long deleteInRedis(Invalidation request, List<String> keys) {
        return switch (request.kind()) {
            case KEY -> {
                keys.add(request.value());
                yield redis.getKeys().delete(request.value());
            }
            case PATTERN -> {
                redis.getKeys().getKeysStreamByPattern(request.redisPattern(), 500).forEach(keys::add);
                yield deleteChunked(keys);
            }
            case TAG -> {
                List<String> sets = cache.tagSetsOf(request.value(), clock.instant());
                Set<String> indexed = new LinkedHashSet<>();
                for (String set : sets) {
                    indexed.addAll(redis.<String>getSet(set, StringCodec.INSTANCE).readAll());
                }
                keys.addAll(indexed);
                yield deleteChunked(keys) + redis.getKeys().delete(sets.toArray(String[]::new));
            }
            case ALL -> redis.getKeys().deleteByPattern(CacheKey.PREFIX + "*")
                    + redis.getKeys().deleteByPattern(TieredCache.TAG_PREFIX + "*");
        };
    }

    private long deleteChunked(List<String> keys) {
        long deleted = 0;
        for (int from = 0; from < keys.size(); from += 500) {
            deleted += redis.getKeys().delete(keys.subList(from, Math.min(keys.size(), from + 500))
                    .toArray(String[]::new));
        }
        return deleted;
    }

    private boolean publish(InvalidationEvent event) {
        try {
            events.publish(Json.writeString(event));
            return true;
        } catch (RuntimeException e) {
            metrics.redisError();
            LOG.warn("invalidation {} not broadcast, other instances keep their L1 until TTL: {}",
                    event.request().id(), e.toString());
            return false;
        }
    }

    private void record(Invalidation request, long deleted, int dropped) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("redisKeysDeleted", deleted);
        detail.put("l1EntriesDropped", dropped);
        detail.put("instance", instanceId);
        try {
            audit.accept(new AuditEntry(request.id(), "cache.invalidate." + request.kind().wireName(),
                    request.value(), request.actor(), Json.writeString(detail), clock.instant()));
        } catch (RuntimeException e) {
            LOG.warn("audit of invalidation {} not recorded: {}", request.id(), e.getMessage());
        }
    }

    private void onEvent(String json) {
        try {
            cache.apply(Json.read(json, InvalidationEvent.class));
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable invalidation event: {}", e.getMessage());
        }
    }

    private void onRequest(String json) {
        Invalidation request;
        try {
            request = withSharedId(Json.read(json, Invalidation.class), json);
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable invalidation request: {}", e.getMessage());
            return;
        }
        try {
            boolean claimed = redis.getBucket(CLAIM_PREFIX + request.id(), StringCodec.INSTANCE)
                    .setIfAbsent(instanceId, Duration.ofHours(1));
            if (claimed) {
                invalidate(request);
            }
        } catch (RuntimeException e) {
            metrics.redisError();
            LOG.warn("invalidation request {} not run: {}", request.id(), e.toString());
        }
    }

    /**
     * A request published without an id (by hand, with redis-cli) would get a random one in every instance, and
     * each would win its own claim and run it. Its id is then the digest of the message, the same everywhere; the
     * same message published again within the claim's hour is taken for the same request.
     */
    static Invalidation withSharedId(Invalidation request, String json) {
        var given = Json.tree(json.getBytes(StandardCharsets.UTF_8)).get("id");
        if (given != null && given.isString() && !given.stringValue().isBlank()) {
            return request;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(json.getBytes(StandardCharsets.UTF_8));
            String id = "msg-" + HexFormat.of().formatHex(digest, 0, 16);
            return new Invalidation(id, request.kind(), request.value(), request.actor());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            if (requestsListener != null) {
                requests.removeListener(requestsListener);
            }
            if (eventsListener != null) {
                events.removeListener(eventsListener);
            }
        } catch (RuntimeException e) {
            LOG.debug("removing listeners: {}", e.toString());
        }
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
