package dev.athena.ops.lag;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Follows how far consumer groups are behind on the topics they read, as the broker sees it (committed offsets
 * against the last stable offsets), and publishes it ({@link LagMeters}). A service runs one for its own groups, so
 * any of its instances tells for each whole group, whichever partitions it holds; Prometheus takes the maximum.
 *
 * <p>Reads the broker through one admin client, on a daemon thread of its own, every {@link #INTERVAL}: for each
 * group, describing its topics (partitions are added to scale out), its committed offsets, the topics' last stable
 * offsets, and the log start offsets of partitions it never committed. Never touches the service's consumers,
 * which are not safe to share with a thread of the meter registry's. A group the broker cannot tell about becomes
 * unknown on its own; the others go on.
 */
public final class GroupLag implements AutoCloseable {
    public static final Duration INTERVAL = Duration.ofSeconds(30);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(GroupLag.class);

    private final Admin admin;
    private final Map<String, LagBook> books = new LinkedHashMap<>();
    private final Set<String> failing = new HashSet<>();
    private final InstantSource clock;
    private final List<LagMeters> meters = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    /** {@code topicsByGroup}: the topics each group reads. */
    GroupLag(Admin admin, Map<String, List<String>> topicsByGroup, InstantSource clock) {
        this.admin = admin;
        this.clock = clock;
        topicsByGroup.forEach((group, topics) -> books.put(group, new LagBook(topics)));
    }

    /** Starts following each group on its topics now and every {@link #INTERVAL}, the gauges in registry. */
    public static GroupLag start(String bootstrap, Map<String, List<String>> topicsByGroup, MeterRegistry registry) {
        Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "athena-lag-" + topicsByGroup.keySet().iterator().next(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis()));
        GroupLag lag = new GroupLag(admin, topicsByGroup, InstantSource.system());
        lag.books.forEach((group, book) -> lag.meters.add(LagMeters.bind(registry, group, book)));
        lag.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("athena-lag-" + topicsByGroup.keySet().iterator().next()).factory());
        lag.scheduler.scheduleWithFixedDelay(lag::probeAll, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return lag;
    }

    LagBook book(String group) {
        return books.get(group);
    }

    /** One probe of one group: the figures of each of its topics. */
    void probe(String group) throws InterruptedException, ExecutionException, TimeoutException {
        LagBook book = books.get(group);
        List<TopicPartition> partitions = partitions(book.topics());
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

    private void probeAll() {
        for (String group : books.keySet()) {
            try {
                probe(group);
                if (failing.remove(group)) {
                    LOG.info("consumer lag of {} readable again", group);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                books.get(group).failed();
                if (failing.add(group)) {
                    // once per failing spell: the broker being away is told by the services' own errors as well
                    LOG.warn("cannot read the consumer lag of {}: {}", group, e.toString());
                }
            }
        }
    }

    /** The partitions of {@code topics} that exist; a topic not there yet has none. */
    private List<TopicPartition> partitions(List<String> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> topic
                : admin.describeTopics(topics).topicNameValues().entrySet()) {
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
        meters.forEach(LagMeters::close);
        admin.close(Duration.ofSeconds(5));
    }
}
