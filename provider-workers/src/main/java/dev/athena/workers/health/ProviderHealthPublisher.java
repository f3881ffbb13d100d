package dev.athena.workers.health;

import dev.athena.schemas.json.Json;
import dev.athena.workers.metrics.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this instance's provider health to the Redis hash {@value #HASH} every {@link #INTERVAL}: one field
 * {@code <provider>|<instanceId>} per provider, its value a {@link ProviderSnapshot} as JSON. Readers (the
 * gateway's admin API) judge freshness by {@code updatedAt}; {@link #close} removes this instance's fields.
 *
 * <p>Design notes: one daemon thread, fixed delay, so a slow Redis never piles up ticks. Health is best effort:
 * when Redis is missing or failing the tick is skipped and counted ({@code athena.workers.health.publishes}
 * {@code outcome=skipped}); nothing here throws into, or waits on behalf of, the batch loop. Now and then a tick
 * also drops fields of instances silent for {@link #FORGET_AFTER}, so crashed instances do not accumulate. A worker
 * whose loop or poller has died publishes no more: its fields are withdrawn, as on close.
 */
public final class ProviderHealthPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealthPublisher.class);
    public static final String HASH = "athena:providers:health";
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    private static final int PRUNE_EVERY_TICKS = 30;

    private final RedissonClient redis;
    private final String instanceId;
    private final List<HealthSource> sources;
    private final Clock clock;
    private final WorkerMetrics metrics;
    private final ScheduledExecutorService timer;
    private final BooleanSupplier alive;
    private int ticks; // touched by the timer thread only
    private volatile boolean failing;
    private volatile boolean withdrawn;

    ProviderHealthPublisher(RedissonClient redis, String instanceId, List<HealthSource> sources, Clock clock,
            WorkerMetrics metrics, ScheduledExecutorService timer) {
        this(redis, instanceId, sources, clock, metrics, timer, () -> true);
    }

    ProviderHealthPublisher(RedissonClient redis, String instanceId, List<HealthSource> sources, Clock clock,
            WorkerMetrics metrics, ScheduledExecutorService timer, BooleanSupplier alive) {
        this.alive = alive;
        this.redis = redis;
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.sources = List.copyOf(sources);
        this.clock = clock;
        this.metrics = metrics;
        this.timer = timer;
    }

    /**
     * Publishes now and then every {@code interval}. {@code redis} may be {@code null} (no Redis configured):
     * every tick is then skipped.
     */
    public static ProviderHealthPublisher start(RedissonClient redis, String instanceId, List<HealthSource> sources,
            Clock clock, WorkerMetrics metrics, Duration interval) {
        return start(redis, instanceId, sources, clock, metrics, interval, () -> true);
    }

    /**
     * {@code alive} false (the worker's loop or poller has died) stops the snapshots: the fields are withdrawn, so
     * readers stop counting on an instance that does no work.
     */
    public static ProviderHealthPublisher start(RedissonClient redis, String instanceId, List<HealthSource> sources,
            Clock clock, WorkerMetrics metrics, Duration interval, BooleanSupplier alive) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("athena-worker-health-" + instanceId).factory());
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        ProviderHealthPublisher publisher = new ProviderHealthPublisher(redis, instanceId, sources, clock, metrics,
                timer, alive);
        timer.scheduleWithFixedDelay(publisher::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return publisher;
    }

    public static ProviderHealthPublisher start(RedissonClient redis, String instanceId, List<HealthSource> sources,
            Clock clock, WorkerMetrics metrics, BooleanSupplier alive) {
        return start(redis, instanceId, sources, clock, metrics, INTERVAL, alive);
    }

    /** The snapshots of this instance's providers as of now. */
    List<ProviderSnapshot> snapshots() {
        Instant now = clock.instant();
        return sources.stream().map(s -> ProviderSnapshot.of(s, instanceId, now)).toList();
    }

    private void tick() {
        // a scheduled task that throws is never run again: nothing may escape
        try {
            publish();
            if (++ticks % PRUNE_EVERY_TICKS == 0) {
                prune();
            }
        } catch (RuntimeException e) {
            LOG.debug("provider health tick failed", e);
        }
    }

    /** Writes one snapshot per provider; {@code false} when it was skipped, or withdrawn for a dead worker. */
    boolean publish() {
        if (!alive.getAsBoolean()) {
            withdraw();
            return false;
        }
        if (redis == null) {
            metrics.healthPublish("skipped");
            return false;
        }
        try {
            Map<String, String> fields = new LinkedHashMap<>();
            for (ProviderSnapshot snapshot : snapshots()) {
                fields.put(snapshot.field(), Json.writeString(snapshot));
            }
            hash().putAll(fields);
            metrics.healthPublish("published");
            if (failing) {
                failing = false;
                LOG.info("provider health of {} is published to Redis again", instanceId);
            }
            return true;
        } catch (RuntimeException e) {
            metrics.healthPublish("skipped");
            if (!failing) {
                failing = true;
                LOG.info("provider health of {} not published while Redis is unavailable ({})", instanceId,
                        e.getClass().getSimpleName());
            }
            return false;
        }
    }

    /**
     * A dead worker's snapshots would stay fresh while it does no work: they are removed instead (once; again
     * at the next tick when Redis failed) and counted {@code outcome=withdrawn}.
     */
    private void withdraw() {
        if (withdrawn || redis == null) {
            return;
        }
        try {
            hash().fastRemove(fields());
            withdrawn = true;
            metrics.healthPublish("withdrawn");
            LOG.warn("provider health of {} withdrawn: the worker has stopped working", instanceId);
        } catch (RuntimeException e) {
            metrics.healthPublish("skipped");
        }
    }

    private String[] fields() {
        return sources.stream().map(s -> ProviderSnapshot.field(s.provider(), instanceId)).toArray(String[]::new);
    }

    /** Drops fields of any instance that has not written for {@link #FORGET_AFTER} (it crashed). */
    int prune() {
        if (redis == null) {
            return 0;
        }
        Instant oldest = clock.instant().minus(FORGET_AFTER);
        RMap<String, String> hash = hash();
        int dropped = 0;
        for (Map.Entry<String, String> e : hash.readAllMap().entrySet()) {
            Instant updated = updatedAt(e.getValue());
            if (updated == null || updated.isBefore(oldest)) {
                dropped += (int) hash.fastRemove(e.getKey());
            }
        }
        return dropped;
    }

    private static Instant updatedAt(String json) {
        try {
            var node = Json.tree(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("updatedAt");
            return node == null || !node.isString() ? null : Instant.parse(node.stringValue());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private RMap<String, String> hash() {
        return redis.getMap(HASH, StringCodec.INSTANCE);
    }

    /** Stops publishing and removes this instance's fields; bounded, and silent when Redis is away. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("provider health publisher of {} did not stop within 5s", instanceId);
            }
            if (redis != null) {
                hash().fastRemoveAsync(fields()).toCompletableFuture().get(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("could not remove provider health of {}: {}", instanceId, e.toString());
        }
    }
}
