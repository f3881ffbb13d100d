package dev.athena.splitter;

import com.zaxxer.hikari.HikariDataSource;
import dev.athena.ops.lag.GroupLag;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.splitter.cache.CacheInvalidator;
import dev.athena.splitter.cache.CacheSettings;
import dev.athena.splitter.cache.RedisConnection;
import dev.athena.splitter.cache.TieredCache;
import dev.athena.splitter.delivery.DeliveryLoop;
import dev.athena.splitter.delivery.KafkaConfigs;
import dev.athena.splitter.metrics.SplitterMetrics;
import dev.athena.splitter.store.Database;
import dev.athena.splitter.store.Migrations;
import dev.athena.splitter.store.PersistenceLoop;
import dev.athena.splitter.store.ResultStore;
import dev.athena.splitter.store.Retention;
import dev.athena.splitter.store.RetentionSweeper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One result-splitter instance: the transactional delivery path, the answer cache and the PostgreSQL record.
 * Scale out by starting more instances with the same group and distinct instance ids.
 */
public final class ResultSplitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultSplitter.class);
    private static final Duration JOIN_THREADS = Duration.ofSeconds(20);

    private final SplitterSettings settings;
    private final HikariDataSource dataSource;
    private final RedissonClient redis;
    private final TieredCache cache;
    private final Admin admin;
    private final DeliveryLoop delivery;
    private final PersistenceLoop persistence;
    private final CacheInvalidator invalidator;
    private final Thread deliveryThread;
    private final Thread persistenceThread;
    private final RetentionSweeper sweeper;
    private final ScheduledExecutorService sweeps;
    private volatile GroupLag lag;
    private volatile boolean closing;

    private ResultSplitter(SplitterSettings settings, HikariDataSource dataSource, RedissonClient redis,
            TieredCache cache, Admin admin, DeliveryLoop delivery, PersistenceLoop persistence,
            CacheInvalidator invalidator, RetentionSweeper sweeper) {
        this.settings = settings;
        this.sweeper = sweeper;
        this.sweeps = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("athena-splitter-retention").daemon().factory());
        this.dataSource = dataSource;
        this.redis = redis;
        this.cache = cache;
        this.admin = admin;
        this.delivery = delivery;
        this.persistence = persistence;
        this.invalidator = invalidator;
        this.deliveryThread = new Thread(delivery, "athena-splitter-delivery-" + settings.instanceId());
        this.persistenceThread = new Thread(persistence, "athena-splitter-store-" + settings.instanceId());
        Thread.UncaughtExceptionHandler report = (thread, error) -> LOG.error("{} died", thread.getName(), error);
        deliveryThread.setUncaughtExceptionHandler(report);
        persistenceThread.setUncaughtExceptionHandler(report);
    }

    /**
     * Migrates the schema (or leaves that to the writer when PostgreSQL is down), starts both paths and returns
     * once both consumer groups have assigned this instance its partitions.
     *
     * @throws IllegalStateException when the consumers did not join within {@code settings.startTimeout()}
     */
    public static ResultSplitter start(SplitterSettings settings, MeterRegistry registry) {
        return start(settings, registry, Retention.DEFAULT);
    }

    /** As {@link #start(SplitterSettings, MeterRegistry)}, sweeping old rows as {@code retention} says. */
    public static ResultSplitter start(SplitterSettings settings, MeterRegistry registry, Retention retention) {
        Clock clock = Clock.systemUTC();
        SplitterMetrics metrics = new SplitterMetrics(registry);
        HikariDataSource dataSource = Database.pool(settings.jdbcUrl(), settings.dbUser(), settings.dbPassword());
        RedissonClient redis = null;
        Admin admin = null;
        try {
            boolean migrated = migrateIfReachable(dataSource);
            redis = RedisConnection.open(settings.redisUrl());
            TieredCache cache = new TieredCache(redis, new CacheSettings(settings.l1Ttl(), settings.l1MaxEntries(),
                    settings.redisTtl(), settings.redisTtlByType()), clock, metrics);
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap()));
            DeliveryLoop delivery = new DeliveryLoop(
                    KafkaConfigs.consumer(settings.bootstrap(), settings.groupId(), settings.transactionalId()),
                    KafkaConfigs.transactionalProducer(settings.bootstrap(), settings.transactionalId()),
                    settings.inputTopic(), new TopicProvisioner(admin), cache, metrics, clock);
            Map<String, Object> storeConsumer = new HashMap<>(KafkaConfigs.consumer(settings.bootstrap(),
                    settings.storeGroupId(), settings.transactionalId() + ".store"));
            storeConsumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.storeBatchSize());
            PersistenceLoop persistence = new PersistenceLoop(storeConsumer, settings.inputTopic(), dataSource,
                    migrated, metrics, clock);
            CacheInvalidator invalidator = new CacheInvalidator(redis, cache, persistence.store()::recordAudit,
                    metrics, clock, settings.instanceId());
            invalidator.start();
            ResultSplitter splitter = new ResultSplitter(settings, dataSource, redis, cache, admin, delivery,
                    persistence, invalidator, new RetentionSweeper(dataSource, retention, metrics, clock));
            splitter.deliveryThread.start();
            splitter.persistenceThread.start();
            splitter.awaitJoined();
            splitter.scheduleSweeps(retention);
            splitter.followLag(registry);
            LOG.info("result splitter {} started: {}", settings.instanceId(), settings);
            return splitter;
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
            if (redis != null && !redis.isShutdown()) {
                redis.shutdown();
            }
            dataSource.close();
            throw e;
        }
    }

    private static boolean migrateIfReachable(HikariDataSource dataSource) {
        try {
            int applied = Migrations.migrate(dataSource);
            LOG.info("splitter schema migrated ({} migrations applied)", applied);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("PostgreSQL not reachable at start, persistence will migrate and catch up later: {}",
                    e.getMessage());
            return false;
        }
    }

    private void awaitJoined() {
        try {
            long deadline = System.nanoTime() + settings.startTimeout().toNanos();
            boolean deliveryJoined = delivery.awaitJoined(Duration.ofNanos(deadline - System.nanoTime()));
            boolean storeJoined = deliveryJoined
                    && persistence.awaitJoined(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (!deliveryJoined || !storeJoined) {
                close();
                throw new IllegalStateException("result splitter did not join its consumer groups within "
                        + settings.startTimeout() + " (delivery joined: " + deliveryJoined + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting the result splitter", e);
        }
    }

    /** Both groups read the input: delivery to the clients' topics, and the rows written to PostgreSQL. */
    private void followLag(MeterRegistry registry) {
        Map<String, List<String>> following = new LinkedHashMap<>();
        following.put(settings.groupId(), List.of(settings.inputTopic()));
        following.put(settings.storeGroupId(), List.of(settings.inputTopic()));
        lag = GroupLag.start(settings.bootstrap(), following, registry);
    }

    private void scheduleSweeps(Retention retention) {
        if (retention.keepsEverything()) {
            return;
        }
        // not at once: a fleet restarting together should not all sweep in its first second
        long first = Math.min(retention.every().toMillis(), Duration.ofMinutes(1).toMillis());
        sweeps.scheduleWithFixedDelay(this::sweepLogged, first, retention.every().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweepLogged() {
        try {
            sweeper.sweep();
        } catch (RuntimeException e) {
            LOG.warn("retention sweep failed, the next one carries on: {}", e.getMessage());
        }
    }

    /** Deletes now what the retention no longer keeps, as the scheduled sweep does; rows deleted per table. */
    public Map<String, Long> sweepRetention() {
        return sweeper.sweep();
    }

    /** The persisted results, for the product's queries. */
    public ResultStore store() {
        return persistence.store();
    }

    /** The answer cache of this instance. */
    public TieredCache cache() {
        return cache;
    }

    /** Invalidation of cached answers, on every instance. */
    public CacheInvalidator invalidator() {
        return invalidator;
    }

    /** False once the delivery path has stopped on its own (fenced by another instance, or a fatal error). */
    public boolean isDelivering() {
        return deliveryThread.isAlive() && !delivery.hasFailed();
    }

    /** False once the persistence path has died; its rows then wait in Kafka for the next instance. */
    public boolean isPersisting() {
        return persistenceThread.isAlive();
    }

    /**
     * The path that has stopped on its own ({@code "delivery"} or {@code "persistence"}), empty while both run
     * or once {@link #close()} has begun. An instance with either path down holds its partitions of that path's
     * group without working on them, so its process should exit and be restarted.
     */
    public Optional<String> stoppedPath() {
        if (closing) {
            return Optional.empty();
        }
        if (!isDelivering()) {
            return Optional.of("delivery");
        }
        return isPersisting() ? Optional.empty() : Optional.of("persistence");
    }

    /** Stops delivery, writes pending rows to PostgreSQL (bounded), then releases every client. */
    @Override
    public void close() {
        // a watcher must not take the paths stopping here for a failure (an exit from a shutdown hook hangs)
        closing = true;
        sweeps.shutdownNow();
        if (lag != null) {
            lag.close();
        }
        delivery.stop();
        join(deliveryThread);
        persistence.stop();
        join(persistenceThread);
        try {
            cache.awaitWrites(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        invalidator.close();
        cache.close();
        redis.shutdown(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        admin.close(Duration.ofSeconds(5));
        dataSource.close();
        LOG.info("result splitter {} stopped", settings.instanceId());
    }

    private static void join(Thread thread) {
        if (!thread.isAlive()) {
            return;
        }
        try {
            thread.join(JOIN_THREADS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{} did not stop within {}", thread.getName(), JOIN_THREADS);
        }
    }
}
