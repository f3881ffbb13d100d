package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.ingest.client.HttpAthenaClient;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The Java client over HTTP: the gateway plays its part for real, the test plays the pipeline's. */
@Tag("integration")
class HttpAthenaClientIT {
    static Gateway gateway;
    static GatewayClient http;

    @BeforeAll
    static void start() {
        gateway = TestStack.start(TestStack.settings());
        http = new GatewayClient(gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldCompleteWithTheResultAfterStreamingChunksInOrder() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        List<AnalysisChunk> chunks = new CopyOnWriteArrayList<>();
        try (var requests = requestsFromNow(); var client = HttpAthenaClient.connect(
                URI.create("http://127.0.0.1:" + gateway.port()), key)) {
            var future = client.submit(AnalysisRequest.of("local-1", clientId, AnalysisType.SECURITY,
                    "eval(input())\n"), chunks::add);
            String id = idSubmittedBy(requests, clientId);
            Thread.sleep(300);
            TestStack.produceChunk(clientId, id, 0, "looking", false);
            TestStack.produceChunk(clientId, id, 1, " done", true);
            TestStack.produceResult(completed(id, clientId));

            AnalysisResult result = future.get(60, TimeUnit.SECONDS);
            assertThat(result.requestId()).isEqualTo(id);
            assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(result.findings()).extracting(Finding::ruleId).containsExactly("code-injection");
            assertThat(chunks).extracting(AnalysisChunk::delta).containsExactly("looking", " done");
        }
    }

    @Test
    void shouldLongPollWithoutStreamingAndKeepTheIdempotencyKey() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        try (var requests = requestsFromNow(); var client = HttpAthenaClient.connect(
                URI.create("http://127.0.0.1:" + gateway.port()), key)) {
            AnalysisRequest request = AnalysisRequest.of("local-2", clientId, AnalysisType.QUALITY, "x = 1\n");
            var first = client.submit(request);
            String id = idSubmittedBy(requests, clientId);
            var retried = client.submit(request);
            TestStack.produceResult(completed(id, clientId));

            assertThat(first.get(60, TimeUnit.SECONDS).requestId()).isEqualTo(id);
            assertThat(retried.get(60, TimeUnit.SECONDS).requestId()).as("same Idempotency-Key, same analysis")
                    .isEqualTo(id);
        }
    }

    @Test
    void shouldCancelASubmissionByTheIdItWasSubmittedWith() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        try (var requests = requestsFromNow(); var client = HttpAthenaClient.connect(
                URI.create("http://127.0.0.1:" + gateway.port()), key)) {
            var future = client.submit(AnalysisRequest.of("local-4", clientId, AnalysisType.SECURITY, "eval(x)\n"));
            String id = idSubmittedBy(requests, clientId);

            assertThat(client.cancel("local-4").get(30, TimeUnit.SECONDS)).isTrue();
            var pending = http.get("/v1/analyses/" + id, key);
            assertThat(pending.statusCode()).isEqualTo(202);
            assertThat(pending.body()).contains("CANCELLING");
            // what the workers then write for it
            TestStack.produceResult(new AnalysisResult(SchemaVersion.CURRENT, id, clientId, ResultStatus.CANCELLED,
                    List.of(), "cancelled", null, false, "b-" + id, Usage.NONE,
                    new ErrorInfo(ErrorInfo.CANCELLED, "cancelled by its client"), Instant.now()));
            AnalysisResult result = future.get(60, TimeUnit.SECONDS);
            assertThat(result.status()).isEqualTo(ResultStatus.CANCELLED);
            assertThat(result.requestId()).isEqualTo(id);

            assertThatThrownBy(() -> client.cancel("local-4").join()).hasCauseInstanceOf(
                    IllegalArgumentException.class).hasMessageContaining("'local-4' is waiting");
            assertThatThrownBy(() -> client.cancel("never-sent").join()).hasCauseInstanceOf(
                    IllegalArgumentException.class);
        }
    }

    @Test
    void shouldFailWithTheGatewaysReasonForABadKey() {
        try (var client = HttpAthenaClient.connect(URI.create("http://127.0.0.1:" + gateway.port()),
                "ath_notavalidkey")) {
            var future = client.submit(AnalysisRequest.of("local-3", "nobody", AnalysisType.SECURITY, "x"));
            assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(HttpAthenaClient.GatewayException.class)
                    .hasMessageContaining("401");
        }
    }

    private static AnalysisResult completed(String id, String clientId) {
        return new AnalysisResult(SchemaVersion.CURRENT, id, clientId, ResultStatus.COMPLETED,
                List.of(new Finding("code-injection", Severity.HIGH, 1, "eval() runs arbitrary code", null)),
                "1 finding", ServedBy.of("builtin", "rules-1"), false, "b-" + id, Usage.NONE, null, Instant.now());
    }

    static KafkaConsumer<String, byte[]> requestsFromNow() {
        var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestStack.endpoints().kafkaBootstrap(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
        var partitions = consumer.partitionsFor(Topics.REQUESTS).stream()
                .map(p -> new TopicPartition(Topics.REQUESTS, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    /** The id the gateway gave the submission, read from the request topic as the collector would. */
    static String idSubmittedBy(KafkaConsumer<String, byte[]> requests, String clientId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (var record : requests.poll(Duration.ofMillis(200))) {
                var header = record.headers().lastHeader("athena-client-id");
                if (header != null && clientId.equals(new String(header.value(), StandardCharsets.UTF_8))) {
                    return record.key();
                }
            }
        }
        throw new AssertionError("no request of " + clientId + " reached " + Topics.REQUESTS);
    }

}
