package dev.athena.ingest.scan;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the pipeline for one client (ingest may not depend on the services): reads that client's requests from
 * {@code athena.requests.bulk} and answers each on its replyTo topic, as the splitter would, unless told to withhold
 * it. A line containing {@code SELECT} is a high sql-injection finding, {@code md5} a medium weak-hash one.
 */
final class FakePipeline implements AutoCloseable {
    private final String clientId;
    private final Predicate<AnalysisRequest> withhold;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final List<AnalysisRequest> seen = new CopyOnWriteArrayList<>();
    /** The partition each request was read from, by request id. */
    private final Map<String, Integer> partitions = new java.util.concurrent.ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    FakePipeline(String bootstrap, String clientId, Predicate<AnalysisRequest> withhold) {
        this.clientId = clientId;
        this.withhold = withhold;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.REQUESTS_BULK, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(Topics.REQUESTS_BULK, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = Thread.ofPlatform().name("fake-pipeline-" + clientId).daemon().start(this::loop);
    }

    List<AnalysisRequest> requests() {
        return List.copyOf(seen);
    }

    int partitionOf(AnalysisRequest request) {
        return partitions.get(request.requestId());
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    AnalysisRequest request = Json.read(record.value(), AnalysisRequest.class);
                    if (!clientId.equals(request.clientId())) {
                        continue;
                    }
                    partitions.put(request.requestId(), record.partition());
                    seen.add(request);
                    if (!withhold.test(request)) {
                        answer(request);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private void answer(AnalysisRequest request) {
        List<Finding> findings = new ArrayList<>();
        String[] lines = request.code().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("SELECT")) {
                findings.add(new Finding("sql-injection", Severity.HIGH, i + 1, "SQL built by string concatenation",
                        "use a parameterised query"));
            }
            if (lines[i].contains("md5")) {
                findings.add(new Finding("weak-hash", Severity.MEDIUM, i + 1, "md5 is not a password hash", null));
            }
        }
        AnalysisResult result = new AnalysisResult(SchemaVersion.CURRENT, request.requestId(), request.clientId(),
                ResultStatus.COMPLETED, findings, findings.size() + " finding(s)", ServedBy.of("builtin", "rules-1"),
                false, "batch-" + request.requestId(), null, null, Instant.now());
        var record = new ProducerRecord<>(request.replyTo(), request.requestId(), Json.write(result));
        record.headers().add("athena-client-id", clientId.getBytes(StandardCharsets.UTF_8));
        producer.send(record);
        producer.flush();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10));
        producer.close(Duration.ofSeconds(5));
    }
}
