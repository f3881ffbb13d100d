package dev.athena.ingest.gateway.analysis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.IdSyntax;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code athena.chunks} and every {@code athena.results.<clientId>} topic (and reply topics under it,
 * scans' excepted), keeps recent results and chunks in memory, and tells listeners of a request as records
 * arrive.
 *
 * <p>Design notes: one consumer on one named thread, in a group of its own (nothing committed), so every gateway
 * instance sees every record. On its first assignment it starts at the end of each partition (history is in
 * PostgreSQL); topics that appear later (a new client) are read from their beginning, because their first
 * results may precede the metadata refresh that reveals them. Listeners run on this thread.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    /**
     * Not the scans' reply topics: only their scan reads them, and each lives for one scan, so following them
     * made the feed rebalance at every scan's start and warn of an unknown topic after its end.
     */
    static final Pattern TOPICS = Pattern.compile(Pattern.quote(Topics.CHUNKS) + "|"
            + Pattern.quote(Topics.RESULTS_PREFIX) + "(?![^.]+" + Pattern.quote(Topics.SCAN_REPLY_INFIX) + ").+");

    private final KafkaConsumer<String, byte[]> consumer;
    private final Cache<String, AnalysisResult> results;
    private final Cache<String, ConcurrentSkipListMap<Long, AnalysisChunk>> chunks;
    private final Map<String, List<FeedListener>> listeners = new ConcurrentHashMap<>();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread poller;
    private volatile boolean running = true;

    public LiveFeed(String bootstrap, Duration metadataRefresh) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "athena-gateway-feed-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) metadataRefresh.toMillis(),
                ConsumerConfig.CLIENT_ID_CONFIG, "athena-gateway-feed"),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.results = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(Duration.ofMinutes(30)).build();
        this.chunks = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(15)).build();
        this.poller = Thread.ofPlatform().name("athena-gateway-feed").daemon().unstarted(this::pollLoop);
    }

    /** Starts following; returns once the first assignment is positioned (or after {@code wait}). */
    public LiveFeed start(Duration wait) {
        poller.start();
        try {
            if (!positioned.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("live feed not positioned within {}; continuing, results still come from PostgreSQL", wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    public AnalysisResult recentResult(String clientId, String requestId) {
        return results.getIfPresent(key(clientId, requestId));
    }

    /** The chunks seen so far for a client's request, in sequence order. */
    public Collection<AnalysisChunk> chunksOf(String clientId, String requestId) {
        var log = chunks.getIfPresent(key(clientId, requestId));
        return log == null ? List.of() : List.copyOf(log.values());
    }

    /** Hears the chunks and the result of one client's request: another client's under the same id are not its. */
    public AutoCloseable subscribe(String clientId, String requestId, FeedListener listener) {
        String key = key(clientId, requestId);
        // added inside the map's atomic step: a last listener leaving at the same moment would otherwise drop the
        // list this one was just added to
        listeners.compute(key, (id, list) -> {
            List<FeedListener> present = list == null ? new CopyOnWriteArrayList<>() : list;
            present.add(listener);
            return present;
        });
        return () -> listeners.computeIfPresent(key, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Whether {@code listener} would hear this client's request now (tests). */
    boolean hears(String clientId, String requestId, FeedListener listener) {
        List<FeedListener> list = listeners.get(key(clientId, requestId));
        return list != null && list.contains(listener);
    }

    private void pollLoop() {
        consumer.subscribe(TOPICS, new Repositioning());
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        handle(record);
                    }
                } catch (WakeupException e) {
                    if (running) {
                        throw e;
                    }
                } catch (org.apache.kafka.common.KafkaException e) {
                    // The feed only speeds answers up (PostgreSQL is re-read anyway): keep following, never die.
                    LOG.warn("live feed poll failed, retrying in 1 s: {}", e.toString());
                    pause();
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * Nothing is committed (each gateway reads everything, in a group of its own), so after a rebalance the
     * consumer would start every partition again from {@code auto.offset.reset}: every new client's topic and
     * every scan's reply topic (created, later deleted) would have the feed read all of {@code athena.chunks} and
     * every result topic again. It goes back to where it was instead; only a partition it never had starts at
     * the beginning. On the first assignment it starts at the end (history is in PostgreSQL).
     */
    private final class Repositioning implements ConsumerRebalanceListener {
        private final Map<TopicPartition, Long> positions = new HashMap<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                try {
                    positions.put(partition, consumer.position(partition));
                } catch (org.apache.kafka.common.KafkaException e) {
                    // a deleted topic has no position left to keep
                    positions.remove(partition);
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (positioned.getCount() > 0) {
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                return;
            }
            for (TopicPartition partition : partitions) {
                Long position = positions.get(partition);
                if (position != null) {
                    consumer.seek(partition, position);
                }
            }
            positions.keySet().retainAll(partitions);
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(Topics.CHUNKS)) {
                String clientId = clientOf(record);
                if (clientId == null) {
                    LOG.debug("skipping chunk at {}-{}@{}: no {} header", record.topic(), record.partition(),
                            record.offset(), RequestPartitions.CLIENT_ID_HEADER);
                    return;
                }
                AnalysisChunk chunk = Json.read(record.value(), AnalysisChunk.class);
                String key = key(clientId, chunk.requestId());
                chunks.get(key, id -> new ConcurrentSkipListMap<>()).put(chunk.sequence(), chunk);
                notify(key, l -> l.onChunk(chunk));
            } else {
                AnalysisResult result = Json.read(record.value(), AnalysisResult.class);
                String key = key(result.clientId(), result.requestId());
                results.put(key, result);
                notify(key, l -> l.onResult(result));
            }
        } catch (JsonContractException | NullPointerException e) {
            LOG.warn("skipping unreadable record at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    /**
     * Request ids are each client's own, so everything here is held per client and request. A chunk names its
     * client in a header (workers before it did not: their chunks are skipped, the result still comes).
     */
    private static String key(String clientId, String requestId) {
        return clientId + '/' + requestId;
    }

    private static String clientOf(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(RequestPartitions.CLIENT_ID_HEADER);
        if (header == null || header.value() == null) {
            return null;
        }
        String clientId = new String(header.value(), StandardCharsets.UTF_8);
        return IdSyntax.isClientId(clientId) ? clientId : null;
    }

    private void notify(String key, java.util.function.Consumer<FeedListener> event) {
        List<FeedListener> list = listeners.get(key);
        if (list == null) {
            return;
        }
        for (FeedListener listener : new ArrayList<>(list)) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("feed listener failed for a request: {}", e.toString());
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
