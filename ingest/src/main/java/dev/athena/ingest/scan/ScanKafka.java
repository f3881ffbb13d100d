package dev.athena.ingest.scan;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scan's Kafka side: its own reply topic {@code athena.results.<clientId>.scan-<scanId>} (created like a
 * client's result topic), requests to {@code athena.requests.bulk} (the collector reads it beside
 * {@code athena.requests} without letting a scan hold back interactive requests), and a read_committed wait on the
 * reply topic from its beginning, which holds only this scan's results.
 */
final class ScanKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScanKafka.class);

    private final String bootstrap;
    private final String clientId;
    private final String replyTopic;
    private final KafkaProducer<String, byte[]> producer;

    ScanKafka(String bootstrap, String clientId, String scanId) {
        this.bootstrap = bootstrap;
        this.clientId = clientId;
        this.replyTopic = replyTopic(clientId, scanId);
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                ProducerConfig.CLIENT_ID_CONFIG, "athena-scan-" + clientId),
                new StringSerializer(), new ByteArraySerializer());
    }

    static String replyTopic(String clientId, String scanId) {
        return Topics.scanReplyTopic(clientId, scanId);
    }

    String replyTopic() {
        return replyTopic;
    }

    void createReplyTopic() {
        TopicSpec like = Topics.resultsFor(clientId);
        try (Admin admin = admin()) {
            new TopicProvisioner(admin).ensureAllowingSmallerRecords(new TopicSpec(replyTopic, like.partitions(),
                    like.configs()));
        }
    }

    /**
     * Deletes this client's reply topics of scans that started more than {@code keep} ago: a scan that failed, or
     * ended with results pending, leaves its topic, and the splitter creates it again for a result that arrives
     * after it was deleted. Results also live in PostgreSQL. A failure is logged; the next scan tries again.
     *
     * @return the topics deleted
     */
    List<String> deleteStaleReplyTopics(Instant now, Duration keep) {
        String prefix = replyTopic(clientId, "");
        try (Admin admin = admin()) {
            List<String> stale = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(prefix) && !name.equals(replyTopic))
                    .filter(name -> RepositoryScan.scanStart(name.substring(prefix.length()))
                            .filter(started -> started.isBefore(now.minus(keep))).isPresent())
                    .sorted().toList();
            if (!stale.isEmpty()) {
                admin.deleteTopics(stale).all().get(30, TimeUnit.SECONDS);
                LOG.info("deleted {} reply topics of scans that started before {}: {}", stale.size(),
                        now.minus(keep), stale);
            }
            return stale;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("could not delete stale reply topics of {}: {}", clientId, e.toString());
            return List.of();
        }
    }

    /** Deletes the reply topic of a scan that has nothing pending any more; results also live in PostgreSQL. */
    void deleteReplyTopic() {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(replyTopic)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("could not delete reply topic {}: {}", replyTopic, e.toString());
        }
    }

    /** Sends and waits for every acknowledgement, so a step never reports a request the broker did not take. */
    void send(List<ScanRun.Submission> submissions) throws InterruptedException, ExecutionException {
        List<Future<RecordMetadata>> acks = new java.util.ArrayList<>();
        for (ScanRun.Submission submission : submissions) {
            AnalysisRequest request = submission.request();
            acks.add(producer.send(RequestPartitions.record(producer, request, submission.cacheKey(),
                    Json.write(request))));
        }
        producer.flush();
        for (Future<RecordMetadata> ack : acks) {
            ack.get();
        }
    }

    /**
     * Collects the first result of each expected request until all have one or {@code wait} has passed. Results
     * for other ids are ignored, a second result for an id is logged and dropped.
     */
    Map<String, AnalysisResult> await(Set<String> expected, Duration wait, InstantSource clock) {
        Map<String, AnalysisResult> results = new LinkedHashMap<>();
        if (expected.isEmpty()) {
            return results;
        }
        var deadline = clock.instant().plus(wait);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "athena-scan-results-" + clientId),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(replyTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(replyTopic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (results.size() < expected.size() && clock.instant().isBefore(deadline)) {
                Duration left = Duration.between(clock.instant(), deadline);
                Duration poll = left.compareTo(Duration.ofMillis(500)) < 0 ? left : Duration.ofMillis(500);
                for (ConsumerRecord<String, byte[]> record : consumer.poll(poll.isNegative() ? Duration.ZERO : poll)) {
                    accept(record, expected, results);
                }
            }
        }
        return results;
    }

    private void accept(ConsumerRecord<String, byte[]> record, Set<String> expected,
            Map<String, AnalysisResult> results) {
        AnalysisResult result;
        try {
            result = Json.read(record.value(), AnalysisResult.class);
        } catch (JsonContractException e) {
            LOG.warn("unreadable result at {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return;
        }
        if (!expected.contains(result.requestId())) {
            return;
        }
        if (results.putIfAbsent(result.requestId(), result) != null) {
            LOG.warn("second result for request {} on {} ignored", result.requestId(), replyTopic);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
