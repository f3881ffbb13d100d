package dev.athena.ingest.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Kafka client on a real broker: each request goes to its lane's intake, and its result completes it. */
@Tag("integration")
class KafkaAthenaClientIT {
    private static String bootstrap;

    @BeforeAll
    static void topics() {
        bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin).ensure(Topics.pipeline());
        }
    }

    @Test
    void shouldSendEachRequestToItsLanesIntakeAndCompleteItWithItsResult() throws Exception {
        String clientId = "kc-" + UUID.randomUUID().toString().substring(0, 8);
        AnalysisRequest interactive = request(clientId, Lane.INTERACTIVE);
        AnalysisRequest bulk = request(clientId, Lane.BULK);
        try (KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId)) {
            CompletableFuture<AnalysisResult> interactiveResult = client.submit(interactive);
            CompletableFuture<AnalysisResult> bulkResult = client.submit(bulk);
            client.flush();

            Map<String, TopicPartition> found = findOnIntakes(List.of(interactive.requestId(), bulk.requestId()));
            assertThat(found).containsExactlyInAnyOrderEntriesOf(Map.of(
                    interactive.requestId(), new TopicPartition(Topics.REQUESTS, RequestPartitions.of(interactive, 6)),
                    bulk.requestId(), new TopicPartition(Topics.REQUESTS_BULK, RequestPartitions.of(bulk, 6))));

            answer(clientId, interactive.requestId(), bulk.requestId());
            assertThat(interactiveResult.get(30, TimeUnit.SECONDS).requestId()).isEqualTo(interactive.requestId());
            assertThat(bulkResult.get(30, TimeUnit.SECONDS).requestId()).isEqualTo(bulk.requestId());
        }
    }

    @Test
    void shouldSendOneQuestionFromTwoClientsToOnePartitionSoTheCollectorCoalescesIt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String code = "print('" + run + "')\n";
        List<AnalysisRequest> asked = new java.util.ArrayList<>();
        for (String clientId : List.of("kc-a-" + run, "kc-b-" + run, "kc-c-" + run)) {
            try (KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId)) {
                AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, UUID.randomUUID().toString(),
                        clientId, AnalysisType.SECURITY, "python", "x.py", code, null, null, Lane.INTERACTIVE, null,
                        null, null, Instant.now(), null);
                client.submit(request);
                client.flush();
                asked.add(request);
            }
        }

        Map<String, TopicPartition> found = findOnIntakes(asked.stream().map(AnalysisRequest::requestId).toList());
        assertThat(found.values()).containsOnly(new TopicPartition(Topics.REQUESTS,
                RequestPartitions.of(asked.get(0), 6)));
    }

    @Test
    void shouldFailWaitingAndLaterRequestsWhenClosedInsteadOfLeavingThemPending() throws Exception {
        String clientId = "kc-close-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId);
        CompletableFuture<AnalysisResult> waiting = client.submit(request(clientId, Lane.INTERACTIVE));
        client.flush();

        client.close();

        assertThat(waiting).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                .withMessageContaining("is closed");
        assertThat(client.submit(request(clientId, Lane.INTERACTIVE))).isCompletedExceptionally();
    }

    @Test
    void shouldKeepDeliveringResultsWhenTheCallersListenerThrows() throws Exception {
        String clientId = "kc-listener-" + UUID.randomUUID().toString().substring(0, 8);
        AnalysisRequest first = request(clientId, Lane.INTERACTIVE);
        AnalysisRequest second = request(clientId, Lane.INTERACTIVE);
        try (KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId)) {
            client.onResult(result -> {
                throw new IllegalStateException("a caller's bug");
            });
            CompletableFuture<AnalysisResult> firstResult = client.submit(first);
            answer(clientId, first.requestId());
            assertThat(firstResult.get(30, TimeUnit.SECONDS).requestId()).isEqualTo(first.requestId());

            CompletableFuture<AnalysisResult> secondResult = client.submit(second);
            answer(clientId, second.requestId());
            assertThat(secondResult.get(30, TimeUnit.SECONDS).requestId()).isEqualTo(second.requestId());
        }
    }

    @Test
    void shouldFailWaitingAndLaterRequestsWhenTheConsumerDiesOfAnError() throws Exception {
        String clientId = "kc-error-" + UUID.randomUUID().toString().substring(0, 8);
        AnalysisRequest answered = request(clientId, Lane.INTERACTIVE);
        try (KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId)) {
            client.onResult(result -> {
                throw new AssertionError("a caller's failed check");
            });
            CompletableFuture<AnalysisResult> waiting = client.submit(request(clientId, Lane.INTERACTIVE));
            client.submit(answered);
            answer(clientId, answered.requestId());

            assertThat(waiting).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                    .withMessageContaining("stopped");
            assertThat(client.submit(request(clientId, Lane.INTERACTIVE))).isCompletedExceptionally();
        }
    }

    @Test
    void shouldSkipRecordsThatAreNoResultAndKeepDelivering() throws Exception {
        String clientId = "kc-poison-" + UUID.randomUUID().toString().substring(0, 8);
        AnalysisRequest request = request(clientId, Lane.INTERACTIVE);
        try (KafkaAthenaClient client = KafkaAthenaClient.connect(bootstrap, clientId)) {
            CompletableFuture<AnalysisResult> result = client.submit(request);
            // a tombstone, the JSON literal null and an object that is no result: none of them may stop the consumer
            produce(clientId, request.requestId(), null);
            produce(clientId, request.requestId(), "null".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            produce(clientId, request.requestId(), "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            answer(clientId, request.requestId());

            assertThat(result.get(30, TimeUnit.SECONDS).requestId()).isEqualTo(request.requestId());
        }
    }

    private static AnalysisRequest request(String clientId, Lane lane) {
        return new AnalysisRequest(SchemaVersion.CURRENT, UUID.randomUUID().toString(), clientId,
                AnalysisType.QUALITY, "python", "a.py", "def f():\n    return 1\n", null, null, lane, null,
                null, null, Instant.now(), null);
    }

    /** Where on the intake topics each id was found; an id found twice would appear where it was seen last. */
    private static Map<String, TopicPartition> findOnIntakes(List<String> requestIds) {
        Map<String, TopicPartition> found = new HashMap<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        int seen = 0;
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new java.util.ArrayList<>();
            for (String topic : List.of(Topics.REQUESTS, Topics.REQUESTS_BULK)) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (requestIds.contains(record.key())) {
                        found.put(record.key(), new TopicPartition(record.topic(), record.partition()));
                        seen++;
                    }
                }
            }
        }
        assertThat(seen).as("records of these requests on the intake topics").isEqualTo(requestIds.size());
        return found;
    }

    private static void produce(String clientId, String key, byte[] value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.resultsTopicName(clientId), key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** What the pipeline would write at the end: one result per request on the client's topic. */
    private static void answer(String clientId, String... requestIds) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            for (String requestId : requestIds) {
                AnalysisResult result = AnalysisResult.rejected(requestId, clientId,
                        new ErrorInfo("TEST", "answered by the test"), Instant.now());
                producer.send(new ProducerRecord<>(Topics.resultsTopicName(clientId), requestId, Json.write(result)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
