package dev.athena.workers;

import dev.athena.ops.lag.GroupLag;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.cancel.CancellationIntake;
import dev.athena.workers.cancel.CancellationRecorder;
import dev.athena.workers.cancel.Cancellations;
import dev.athena.workers.cancel.RedisCancellations;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.execution.BatchExecutor;
import dev.athena.workers.execution.BatchLoop;
import dev.athena.workers.execution.ItemExecutor;
import dev.athena.workers.execution.KafkaChunkPublisher;
import dev.athena.workers.execution.ProviderBatchPoller;
import dev.athena.workers.execution.ProviderBatches;
import dev.athena.workers.execution.ProviderRoster;
import dev.athena.workers.health.ProviderHealthPublisher;
import dev.athena.workers.metrics.WorkerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running worker instance: a member of the workers' consumer group on {@code athena.batches} that writes one
 * {@code BatchResult} per batch to {@code athena.batch-results}, transactionally with its offsets, and streamed
 * {@code AnalysisChunk}s to {@code athena.chunks}. Remote providers come from the environment
 * ({@link ProviderCatalog#fromEnvironment}) or are given explicitly; {@code builtin} is always last in line.
 */
public final class ProviderWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderWorkers.class);
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
    /** An item gets at most this long when its request names no earlier deadline. */
    static final Duration MAX_ITEM_TIME = Duration.ofSeconds(120);
    /** The largest record the topics take, plus room for the produce request around it. */
    static final int MAX_REQUEST_BYTES = Topics.MAX_RECORD_BYTES + 64 * 1024;

    private final BatchLoop loop;
    private final Thread thread;
    private final ExecutorService virtualThreads;
    private final WorkerSettings settings;

    private final ProviderAssembly providers;
    private final KafkaProducer<String, byte[]> chunkProducer;
    private final ProviderHealthPublisher health;
    private final ProviderBatchPoller poller;
    private final Thread pollerThread;
    private final Liveness liveness;
    private volatile GroupLag lag;
    private volatile CancellationIntake cancellations;
    private volatile Thread cancellationThread;

    private ProviderWorkers(BatchLoop loop, Thread thread, ExecutorService virtualThreads, WorkerSettings settings,
            ProviderAssembly providers, KafkaProducer<String, byte[]> chunkProducer, ProviderHealthPublisher health,
            ProviderBatchPoller poller, Thread pollerThread, Liveness liveness) {
        this.liveness = liveness;
        this.poller = poller;
        this.pollerThread = pollerThread;
        this.loop = loop;
        this.thread = thread;
        this.virtualThreads = virtualThreads;
        this.settings = settings;
        this.providers = providers;
        this.chunkProducer = chunkProducer;
        this.health = health;
    }

    /**
     * Starts a worker and returns once its consumer has joined the group and received an assignment.
     *
     * @throws IllegalStateException when it could not join within a minute, or its loop failed on start
     */
    public static ProviderWorkers start(WorkerSettings settings, MeterRegistry registry) {
        return start(settings, registry, ProviderCatalog.fromEnvironment(System.getenv()));
    }

    /** With the remote providers given explicitly instead of read from the environment. */
    public static ProviderWorkers start(WorkerSettings settings, MeterRegistry registry, ProviderCatalog catalog) {
        Clock clock = Clock.systemUTC();
        ensureTopics(settings, !catalog.batchApis().minDeadlineByProvider().isEmpty());
        WorkerMetrics metrics = new WorkerMetrics(registry);
        ProviderAssembly providers = ProviderAssembly.build(catalog, settings.redisUrl(), clock, metrics);
        ProviderRoster roster = providers.roster();
        ExecutorService virtualThreads = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("athena-worker-task-", 0).factory());
        KafkaProducer<String, byte[]> chunkProducer = new KafkaProducer<>(chunkProducerConfig(settings));
        ItemExecutor items = new ItemExecutor(roster, clock, MAX_ITEM_TIME, virtualThreads, metrics,
                new KafkaChunkPublisher(chunkProducer, metrics));
        BatchExecutor batches = new BatchExecutor(items, virtualThreads, clock, providers.redis() == null
                ? Cancellations.NONE : new RedisCancellations(providers.redis(), clock));
        ProviderBatches providerBatches = providers.batchApis().isEmpty() ? null
                : new ProviderBatches(settings.groupId(), providers.batchApis(), roster, batches, clock, metrics);
        BatchLoop loop = new BatchLoop(new KafkaConsumer<>(consumerConfig(settings)),
                new KafkaProducer<>(producerConfig(settings)), batches, virtualThreads,
                settings.maxConcurrentBatches(), metrics, clock, providerBatches);
        Liveness liveness = new Liveness();
        ProviderBatchPoller poller = null;
        Thread pollerThread = null;
        if (providerBatches != null) {
            Map<String, Object> pollerConsumer = new java.util.HashMap<>(consumerConfig(settings));
            pollerConsumer.put(ConsumerConfig.GROUP_ID_CONFIG, pollerGroup(settings));
            pollerConsumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "athena-workers-provider-batches-" + settings.instanceId());
            pollerConsumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
            Map<String, Object> pollerProducer = new java.util.HashMap<>(producerConfig(settings));
            pollerProducer.put(ProducerConfig.CLIENT_ID_CONFIG, "athena-workers-provider-batches-tx-" + settings.instanceId());
            pollerProducer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "athena-workers-provider-batches-" + settings.groupId() + "-" + settings.instanceId());
            ProviderBatchPoller batchPoller = new ProviderBatchPoller(new KafkaConsumer<>(pollerConsumer),
                    new KafkaProducer<>(pollerProducer), providerBatches, catalog.batchApis().pollInterval(), clock,
                    metrics);
            poller = batchPoller;
            pollerThread = Thread.ofPlatform().name("athena-provider-batch-poller-" + settings.instanceId())
                    .start(liveness.watch("provider batch poller", batchPoller, batchPoller::failure));
        }
        Thread thread = Thread.ofPlatform().name("athena-worker-loop-" + settings.instanceId())
                .start(liveness.watch("batch loop", loop, loop::failure));
        // a dead loop or poller withdraws this instance's health instead of leaving it looking fresh
        ProviderHealthPublisher health = ProviderHealthPublisher.start(providers.redis(), settings.instanceId(),
                providers.health(), clock, metrics, liveness::alive);
        ProviderWorkers workers = new ProviderWorkers(loop, thread, virtualThreads, settings, providers,
                chunkProducer, health, poller, pollerThread, liveness);
        if (providers.redis() != null) {
            workers.startCancellationIntake(CancellationRecorder.redis(providers.redis()), metrics);
        } else {
            LOG.warn("no Redis URL: cancellations on {} are not read (they could not be seen)", Topics.CANCELLATIONS);
        }
        try {
            if (!loop.awaitAssignment(JOIN_TIMEOUT)) {
                Throwable cause = loop.failure();
                workers.close();
                throw new IllegalStateException("worker " + settings.instanceId() + " did not join group "
                        + settings.groupId() + " within " + JOIN_TIMEOUT.toSeconds() + "s"
                        + (cause == null ? "" : ": " + cause), cause);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.close();
            throw new IllegalStateException("interrupted while starting worker " + settings.instanceId(), e);
        }
        workers.followLag(registry, providerBatches != null);
        LOG.info("provider worker {} running in group {} with providers {}", settings.instanceId(),
                settings.groupId(), roster.names());
        return workers;
    }

    /** Reads Kafka clients' cancellations into {@code recorder}, on a watched thread of its own. */
    private void startCancellationIntake(CancellationRecorder recorder, WorkerMetrics metrics) {
        Map<String, Object> consumer = new java.util.HashMap<>(consumerConfig(settings));
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, cancellationGroup(settings));
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "athena-workers-cancellations-" + settings.instanceId());
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        Map<String, Object> producer = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "athena-workers-dead-letters-" + settings.instanceId(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        CancellationIntake intake = new CancellationIntake(new KafkaConsumer<>(consumer),
                new KafkaProducer<>(producer), recorder, metrics);
        cancellations = intake;
        cancellationThread = Thread.ofPlatform().name("athena-worker-cancellations-" + settings.instanceId())
                .start(liveness.watch("cancellation intake", intake, intake::failure));
    }

    private static String cancellationGroup(WorkerSettings settings) {
        return settings.groupId() + ".cancellations";
    }

    /** How far the workers' groups are behind: on the batches, the cancellations, the provider batches. */
    private void followLag(MeterRegistry registry, boolean providerBatches) {
        Map<String, List<String>> following = new LinkedHashMap<>();
        following.put(settings.groupId(), List.of(Topics.BATCHES));
        if (cancellations != null) {
            following.put(cancellationGroup(settings), List.of(Topics.CANCELLATIONS));
        }
        if (providerBatches) {
            following.put(pollerGroup(settings), List.of(ProviderBatches.TOPIC));
        }
        lag = GroupLag.start(settings.bootstrap(), following, registry);
    }

    private static String pollerGroup(WorkerSettings settings) {
        return settings.groupId() + ".provider-batches";
    }

    /**
     * False once the batch loop or the provider batch poller has stopped on its own (a fenced producer, an
     * unexpected error): this instance then does no more work, and only closing it (and starting another) helps.
     */
    public boolean alive() {
        return liveness.alive();
    }

    /** Why this instance died, when it has ({@link #alive} false). */
    public Optional<Throwable> death() {
        return liveness.death();
    }

    /**
     * Blocks until this instance dies (its loop or poller stopped on its own: the reason) or is closed (empty).
     * {@link WorkersMain} exits non-zero on a death, so a supervisor restarts the process.
     */
    public Optional<Throwable> awaitDeath() throws InterruptedException {
        return liveness.awaitEnd();
    }

    /** Stops consuming, abandons unfinished batches to the next owner, and closes the clients; bounded. */
    @Override
    public void close() {
        liveness.stopping();
        try {
            if (!loop.stop(CLOSE_TIMEOUT)) {
                LOG.warn("worker {} did not stop within {}s", settings.instanceId(), CLOSE_TIMEOUT.toSeconds());
                thread.interrupt();
            }
            CancellationIntake intake = cancellations;
            if (intake != null && !intake.stop(CLOSE_TIMEOUT)) {
                LOG.warn("cancellation intake of {} did not stop within {}s", settings.instanceId(),
                        CLOSE_TIMEOUT.toSeconds());
                cancellationThread.interrupt();
            }
            if (poller != null && !poller.stop(CLOSE_TIMEOUT)) {
                LOG.warn("provider batch poller of {} did not stop within {}s", settings.instanceId(),
                        CLOSE_TIMEOUT.toSeconds());
                pollerThread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (lag != null) {
                lag.close();
            }
            virtualThreads.shutdownNow();
            chunkProducer.close(Duration.ofSeconds(5));
            health.close(); // before the Redis client it writes through goes away
            providers.close();
        }
    }

    private static void ensureTopics(WorkerSettings settings, boolean providerBatches) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap(),
                AdminClientConfig.CLIENT_ID_CONFIG, "athena-workers-admin-" + settings.instanceId()))) {
            new TopicProvisioner(admin).ensure(Topics.pipeline());
            if (providerBatches) {
                new TopicProvisioner(admin).ensure(ProviderBatches.TOPIC_SPEC);
            }
        }
    }

    /**
     * A static member of the workers' group under its instance id: a worker started again under the same id after
     * a crash takes its predecessor's partitions back at once, where a new member waited out the dead one's
     * session. A clean stop leaves the group all the same ({@link KafkaClientsClosing}), so its partitions move at
     * once; a crashed worker that does not come back holds them for the session timeout, 15 s.
     */
    private static Map<String, Object> consumerConfig(WorkerSettings s) {
        return Map.ofEntries(
                Map.entry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap()),
                Map.entry(ConsumerConfig.GROUP_ID_CONFIG, s.groupId()),
                Map.entry(ConsumerConfig.CLIENT_ID_CONFIG, "athena-workers-" + s.instanceId()),
                Map.entry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "athena-workers-" + s.instanceId()),
                Map.entry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000),
                Map.entry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000),
                Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(4, s.maxConcurrentBatches() * 2)),
                Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class),
                Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    private static Map<String, Object> chunkProducerConfig(WorkerSettings s) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "athena-workers-chunks-" + s.instanceId(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }

    private static Map<String, Object> producerConfig(WorkerSettings s) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "athena-workers-tx-" + s.instanceId(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "athena-workers-" + s.groupId() + "-" + s.instanceId(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                // transactions only hold sends and offsets: a short timeout bounds how long an instance that
                // died mid-commit can hold back read_committed readers
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000,
                // a batch result may be as large as the topics take (the collector closes batches near 6 MiB);
                // Kafka's default of 1 MiB failed the send, and so the transaction, for ever
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }
}
