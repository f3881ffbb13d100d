package dev.athena.collector;

import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.cache.TieredCacheLookup;
import dev.athena.collector.metrics.CollectorMetrics;
import dev.athena.collector.window.BatchWindowProcessor;
import dev.athena.ops.InstanceIdFile;
import dev.athena.ops.lag.GroupLag;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector as running Kafka Streams applications (exactly_once_v2), one per {@link Intake}: the one of
 * {@code athena.requests} under the configured application id, the one of bulk scans under that id plus
 * {@code -bulk}. Each has its own consumer and stream thread, so a scan's backlog is never fetched or processed
 * ahead of an interactive request. {@link #start} provisions the pipeline topics if they are missing and returns
 * once every application is RUNNING.
 */
public final class BatchCollector implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How often Streams' meters are looked over for new ones. A task's store meters exist only once the task
     * runs, so they appear this long after a start or a rebalance at most; Micrometer's default is a minute.
     */
    static final Duration STREAMS_METER_REFRESH = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(BatchCollector.class);

    private final List<KafkaStreams> applications;
    private final List<String> applicationIds;
    private final List<KafkaStreamsMetrics> streamsMetrics;
    private final ScheduledExecutorService meterRefresh;
    private final GroupLag lag;
    private final CacheLookup cache;
    private volatile boolean closing;

    private BatchCollector(List<KafkaStreams> applications, List<String> applicationIds,
            List<KafkaStreamsMetrics> streamsMetrics, ScheduledExecutorService meterRefresh, GroupLag lag,
            CacheLookup cache) {
        this.applications = applications;
        this.applicationIds = applicationIds;
        this.streamsMetrics = streamsMetrics;
        this.meterRefresh = meterRefresh;
        this.lag = lag;
        this.cache = cache;
    }

    public static BatchCollector start(CollectorSettings settings, MeterRegistry registry) {
        provisionTopics(settings);
        Clock clock = Clock.systemUTC();
        // one per state directory, as Streams keeps its own process id there: see staticMember below
        String member = InstanceIdFile.keptIn(settings.stateDir(), "collector");
        CountDownLatch running = new CountDownLatch(Intake.values().length);
        // until the collector exists, what is made is closed from here if a later part cannot be made (a state
        // directory that cannot be used, say): an application has clients and threads from the moment it is made
        Deque<AutoCloseable> made = new ArrayDeque<>();
        BatchCollector collector;
        try {
            CacheLookup cache = settings.redisUrl() == null ? CacheLookup.none()
                    : TieredCacheLookup.connect(settings.redisUrl(), clock);
            made.push(cache::close);
            ScheduledExecutorService meterRefresh = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("athena-collector-meters").daemon().factory());
            made.push(meterRefresh::shutdownNow);
            List<KafkaStreams> applications = new ArrayList<>();
            List<KafkaStreamsMetrics> streamsMetrics = new ArrayList<>();
            Map<String, List<String>> intakeByGroup = new LinkedHashMap<>();
            for (Intake intake : Intake.values()) {
                CollectorSettings own = settings.withApplicationId(intake.applicationId(settings.applicationId()));
                KafkaStreams streams = application(own, member, CollectorTopology.build(settings, clock,
                        new CollectorMetrics(registry, intake.topic()), cache, intake), running);
                made.push(() -> streams.close(CLOSE_TIMEOUT));
                applications.add(streams);
                // Streams' own meters (lag, commit latency, rebalances, the embedded clients'), beside ours
                KafkaStreamsMetrics streamsMeters = new KafkaStreamsMetrics(streams, Tags.of("intake", intake.topic()),
                        meterRefresh, STREAMS_METER_REFRESH);
                made.push(streamsMeters::close);
                streamsMeters.bindTo(registry);
                streamsMetrics.add(streamsMeters);
                // the application id is the group: how far it is behind on its intake, as the broker sees it
                intakeByGroup.put(own.applicationId(), List.of(intake.topic()));
            }
            GroupLag lag = GroupLag.start(settings.bootstrap(), intakeByGroup, registry);
            collector = new BatchCollector(List.copyOf(applications), List.copyOf(intakeByGroup.keySet()),
                    List.copyOf(streamsMetrics), meterRefresh, lag, cache);
        } catch (RuntimeException | Error e) {
            closeAll(made);
            throw e;
        }
        try {
            collector.applications.forEach(KafkaStreams::start);
            if (!running.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("collector " + settings.applicationId() + " did not reach RUNNING "
                        + "within " + START_TIMEOUT + " (state " + collector.state() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            collector.close();
            throw new IllegalStateException("interrupted while starting the collector", e);
        } catch (RuntimeException e) {
            collector.close();
            throw e;
        }
        return collector;
    }

    private static void closeAll(Deque<AutoCloseable> made) {
        while (!made.isEmpty()) {
            AutoCloseable part = made.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("closing part of a collector that failed to start failed: {}", e.toString());
            }
        }
    }

    private static KafkaStreams application(CollectorSettings own, String member, Topology topology,
            CountDownLatch running) {
        KafkaStreams streams = new KafkaStreams(topology, staticMember(streamsConfig(own), member));
        streams.setStateListener((now, before) -> {
            LOG.info("collector {} state {} -> {}", own.applicationId(), before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("collector {} stream thread failed; replacing it", own.applicationId(), e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return streams;
    }

    /**
     * {@code config} with the stream threads' consumers as static members of the group under {@code member} (Streams
     * adds each thread's index): a collector started again on its state directory after a crash takes its tasks
     * back at once, where a new dynamic member waited out the dead one's session (45 s by default) before any
     * request of those partitions moved. A clean close still leaves the group ({@link #close}); a crashed collector
     * that does not come back holds its partitions for the session, 15 s.
     */
    static Properties staticMember(Properties config, String member) {
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), member);
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 15_000);
        return config;
    }

    static Properties streamsConfig(CollectorSettings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
                dev.athena.collector.admission.SeenIndexRocksDb.class.getName());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(settings.commitInterval().toMillis()));
        // with no input, the stream thread waits in poll for up to poll.ms (100 ms by default) before it looks at
        // the wall clock again: a lone interactive request's 50 ms window then closed after 100-140 ms
        props.put(StreamsConfig.POLL_MS_CONFIG, Long.toString(BatchWindowProcessor.tick(settings).toMillis()));
        // -1: the broker's default.replication.factor, so one node works and a cluster gets its own default
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "-1");
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler.class.getName());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Streams stays in its group on close to spare a rebalance on a quick bounce; we prefer a replacement
        // (or the survivors) to take the partitions at once instead of after the session timeout
        props.put(StreamsConfig.mainConsumerPrefix("internal.leave.group.on.close"), true);
        // changelogs take what the topics take: a pending item is a whole request, which may be far over the
        // broker's default of 1 MB
        props.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                Integer.toString(Topics.MAX_RECORD_BYTES));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Integer.toString(9 * 1024 * 1024));
        // a batch record (up to maxItems requests) is larger than the default 16 KiB producer batch, so each would
        // travel in a produce request of its own; with 256 KiB several share one
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), Integer.toString(256 * 1024));
        return props;
    }

    /**
     * The pipeline's topics, and the record size of changelogs Kafka Streams made before it set theirs to 8 MiB
     * (an upgrade): a pending request over their 1 MB that waited across a commit would stop the topology.
     */
    private static void provisionTopics(CollectorSettings settings) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            provisioner.ensure(Topics.pipeline());
            provisioner.raiseRecordLimits(Arrays.stream(Intake.values())
                    .flatMap(intake -> CollectorTopology.changelogTopics(settings, intake).stream()).toList(),
                    Topics.MAX_RECORD_BYTES);
        }
    }

    /**
     * RUNNING when every application is; otherwise the state of one that {@link #hasStopped stopped}, or else of
     * the first that is not running (starting, rebalancing).
     */
    public KafkaStreams.State state() {
        List<KafkaStreams.State> states = applications.stream().map(KafkaStreams::state).toList();
        return states.stream().filter(BatchCollector::hasStopped).findFirst().orElse(states.stream()
                .filter(state -> state != KafkaStreams.State.RUNNING).findFirst().orElse(KafkaStreams.State.RUNNING));
    }

    /**
     * An application that stopped while nobody was closing the collector, as "{@code <application id> is
     * <state>}"; empty while all run. Its intake is then read by nobody in this process.
     */
    public Optional<String> stopped() {
        if (closing) {
            return Optional.empty();
        }
        for (int i = 0; i < applications.size(); i++) {
            KafkaStreams.State state = applications.get(i).state();
            if (hasStopped(state)) {
                return Optional.of("application " + applicationIds.get(i) + " is " + state);
            }
        }
        return Optional.empty();
    }

    /** Failed, or shutting down or down: Streams does not come back from these by itself. */
    static boolean hasStopped(KafkaStreams.State state) {
        return switch (state) {
            case PENDING_ERROR, ERROR, PENDING_SHUTDOWN, NOT_RUNNING -> true;
            case CREATED, REBALANCING, RUNNING -> false;
        };
    }

    /**
     * Closes the applications side by side (so stopping takes one close timeout at most, not one each), leaving the
     * consumer groups on the way out so that a replacement gets the partitions at once.
     */
    @Override
    public void close() {
        closing = true;
        try (var closers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (KafkaStreams streams : applications) {
                closers.execute(() -> {
                    if (!streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(CLOSE_TIMEOUT))) {
                        LOG.warn("a collector application did not stop within {}", CLOSE_TIMEOUT);
                    }
                });
            }
        }
        streamsMetrics.forEach(KafkaStreamsMetrics::close);
        meterRefresh.shutdownNow();
        lag.close();
        cache.close();
    }
}
