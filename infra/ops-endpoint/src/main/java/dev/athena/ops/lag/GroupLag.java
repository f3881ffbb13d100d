package dev.athena.ops.lag;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows how far a consumer group is behind on the topics it reads, as the broker sees it (committed offsets
 * against the last stable offsets), and publishes it ({@link LagMeters}). A service runs one for its own group, so
 * any of its instances tells for the whole group, whichever partitions it holds; Prometheus takes the maximum.
 *
 * <p>Reads the broker on a daemon thread of its own every {@link #INTERVAL}: describing the topics (partitions
 * are added to scale out), the group's committed offsets, the topics' last stable offsets, and the log start
 * offsets of partitions the group never committed. Never touches the service's consumers, which are not safe to
 * share with a thread of the meter registry's.
 */
public final class GroupLag implements AutoCloseable {
    public static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(GroupLag.class);

    private final Admin admin;
    private final String group;
    private final LagBook book;
    private final InstantSource clock;
    private ScheduledExecutorService scheduler;
    private LagMeters meters;
    private boolean failing;

    GroupLag(Admin admin, String group, List<String> topics, InstantSource clock) {
        this.admin = admin;
        this.group = group;
        this.book = new LagBook(topics);
        this.clock = clock;
    }

    /** Starts following {@code group} on {@code topics} now and every {@link #INTERVAL}, its gauges in registry. */
    public static GroupLag start(String bootstrap, String group, List<String> topics, MeterRegistry registry) {
        Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "athena-lag-" + group,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis()));
        GroupLag lag = new GroupLag(admin, group, topics, InstantSource.system());
        lag.meters = LagMeters.bind(registry, group, lag.book);
        lag.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("athena-lag-" + group).factory());
        lag.scheduler.scheduleWithFixedDelay(lag::probeQuietly, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return lag;
    }

    LagBook book() {
        return book;
    }

    /** One probe: the figures of every topic, or all unknown when the broker could not tell. */
    void probe() throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> partitions = partitions();
        Map<TopicPartition, OffsetAndMetadata> committed = partitions.isEmpty() ? Map.of()
                : get(admin.listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()
                        .topicPartitions(partitions))).partitionsToOffsetAndMetadata(group));
        Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
        List<TopicPartition> neverCommitted = partitions.stream()
                .filter(partition -> committed.get(partition) == null).toList();
        Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(neverCommitted, OffsetSpec.earliest());
        Map<LagBook.Partition, LagBook.Offsets> probe = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata commit = committed.get(partition);
            long from = commit != null ? commit.offset() : starts.get(partition).offset();
            probe.put(new LagBook.Partition(partition.topic(), partition.partition()),
                    new LagBook.Offsets(from, ends.get(partition).offset()));
        }
        book.record(probe, clock.instant());
    }

    private void probeQuietly() {
        try {
            probe();
            if (failing) {
                LOG.info("consumer lag of {} readable again", group);
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            book.failed();
            if (!failing) {
                // once per failing spell: the broker being away is told by the services' own errors as well
                LOG.warn("cannot read the consumer lag of {}: {}", group, e.toString());
                failing = true;
            }
        }
    }

    /** The partitions of the followed topics that exist; a topic not there yet has none. */
    private List<TopicPartition> partitions() throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic
                : admin.describeTopics(book.topics()).topicNameValues().entrySet()) {
            try {
                get(topic.getValue()).partitions().forEach(partition ->
                        partitions.add(new TopicPartition(topic.getKey(), partition.partition())));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return partitions;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(partition -> specs.put(partition, spec));
        // the last stable offset: records of open transactions are not there for read_committed consumers yet
        return get(admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all());
    }

    private static <T> T get(KafkaFuture<T> future) throws InterruptedException, ExecutionException,
            TimeoutException {
        return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops probing, takes the gauges out of the registry and closes the admin client; bounded. */
    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (meters != null) {
            meters.close();
        }
        admin.close(Duration.ofSeconds(5));
    }
}
