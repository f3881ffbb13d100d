package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedKafka;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.FreePorts;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops for a minute while requests are on their way through every stage: each accepted request still
 * ends as exactly one result. A broker of its own (the shared one serves the other tests), Redis and PostgreSQL shared.
 */
@Tag("integration")
class BrokerRestartIT {
    private static final int REQUESTS = 1_000;
    /**
     * Longer than the producers' 60 s {@code max.block.ms}, so transaction commits in flight time out and must be
     * asked again (the workers' loop used to give up after 40 s and stop for good).
     */
    private static final Duration OUTAGE = Duration.ofSeconds(65);

    @Test
    void shouldGiveEveryRequestExactlyOneResultAcrossABrokerRestart(@TempDir Path dir) throws Exception {
        int port = FreePorts.pick();
        Path logs = dir.resolve("kafka");
        Endpoints shared = SharedLocalStack.get().endpoints();
        String client = "team-restart-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        EmbeddedKafka kafka = EmbeddedKafka.start(logs, port);
        try {
            Endpoints endpoints = new Endpoints(kafka.bootstrap(), shared.redisUrl(), shared.jdbcUrl(),
                    shared.dbUser(), shared.dbPassword());
            try (PipelineServices ignored = PipelineServices.start(endpoints, dir.resolve("state"),
                    new SimpleMeterRegistry(), Map.of())) {
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrap())) {
                    for (int i = 0; i < REQUESTS; i++) {
                        String id = UUID.randomUUID().toString();
                        ids.add(id);
                        producer.send(new ProducerRecord<>(Topics.REQUESTS, id.getBytes(StandardCharsets.UTF_8),
                                request(id, client, i)));
                    }
                    producer.flush();
                }
                int before = resultsSoFar(kafka.bootstrap(), client, REQUESTS / 4, Duration.ofSeconds(60));
                // a quarter answered, the rest in the topics and stores of every stage
                assertThat(before).as("the restart comes while requests are in flight")
                        .isBetween(REQUESTS / 4, REQUESTS - 1);
                kafka.close();
                Thread.sleep(OUTAGE);
                kafka = EmbeddedKafka.start(logs, port);

                List<AnalysisResult> results = new KafkaProbe(kafka.bootstrap()).readResults(client, REQUESTS,
                        Duration.ofSeconds(240), Duration.ofSeconds(5));

                Map<String, Long> perRequest = results.stream()
                        .collect(Collectors.groupingBy(AnalysisResult::requestId, Collectors.counting()));
                assertThat(perRequest.keySet()).as("a result for every request")
                        .containsExactlyInAnyOrderElementsOf(ids);
                assertThat(perRequest.values()).as("and only one each").containsOnly(1L);
                assertThat(results).extracting(AnalysisResult::status).containsOnly(ResultStatus.COMPLETED);
            }
        } finally {
            kafka.close();
        }
    }

    /** How many results the client has once it has {@code atLeast} (waiting at most {@code timeout}). */
    private static int resultsSoFar(String bootstrap, String client, int atLeast, Duration timeout)
            throws Exception {
        String topic = Topics.resultsTopicName(client);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!admin.listTopics().names().get().contains(topic) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int count = 0;
            while (count < atLeast && System.nanoTime() < deadline) {
                count += consumer.poll(Duration.ofMillis(20)).count();
            }
            return count;
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Each its own question, so that none is answered from another's cache entry. */
    private static byte[] request(String id, String client, int n) {
        String code = "def find_" + n + "(u):\n    return db.execute(\"SELECT * FROM t" + n
                + " WHERE name='\" + u + \"'\")\n";
        return Json.write(Map.of("schemaVersion", 1, "requestId", id, "clientId", client, "analysisType", "security",
                "language", "python", "path", "app/db" + n + ".py", "code", code + "# " + id + "\n",
                "lane", "interactive", "createdAt", "2026-12-02T10:15:00Z"));
    }
}
