package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.workers.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Real Kafka and Redis, two fake providers: the primary is overloaded, the secondary answers and streams. */
@Tag("integration")
class ProviderFailoverIT {
    private static final String ANSWER = "```json\n{\"findings\": [{\"ruleId\": \"command-injection\", "
            + "\"severity\": \"high\", \"line\": 1, \"message\": \"shell command from input\"}]}\n```";

    @Test
    void shouldFailOverToSecondaryStreamChunksAndWriteOneResult() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (FakeProviderServer anthropic = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC);
                FakeProviderServer openai = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI).answer(ANSWER)) {
            for (int i = 0; i < 10; i++) {
                anthropic.enqueue(new Fault.Status(529));
            }
            ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of(
                    "ANTHROPIC_API_KEY", "test-anthropic", "ANTHROPIC_BASE_URL", anthropic.baseUrl(),
                    "OPENAI_API_KEY", "test-openai", "OPENAI_BASE_URL", openai.baseUrl(),
                    "ATHENA_ANTHROPIC_RPM", "600", "ATHENA_OPENAI_RPM", "600"));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                    .withGroupId("it-failover-" + suffix);
            String batchId = "it-failover-batch-" + suffix;
            String requestId = "req-stream-" + suffix;
            // from the earliest record this worker would first answer what other tests left on the topic, through
            // the same fake Anthropic, and use up its ten 529s before this batch arrives (served by anthropic)
            CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), settings.groupId(), Topics.BATCHES);
            try (ProviderWorkers ignored = ProviderWorkers.start(settings, registry, catalog)) {
                BatchTopic.send(endpoints.kafkaBootstrap(), "auto/auto/interactive", batch(batchId, requestId));
                BatchResult result = awaitResult(endpoints, batchId, suffix);
                ItemResult item = result.items().getFirst();
                assertThat(item.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(item.servedBy().provider()).isEqualTo("openai");
                assertThat(item.servedBy().degraded()).isFalse();
                assertThat(item.findings()).extracting(f -> f.ruleId()).containsExactly("command-injection");
                assertThat(item.usage().inputTokens()).isPositive();
                assertThat(anthropic.requestCount()).isGreaterThanOrEqualTo(1);

                List<AnalysisChunk> chunks = awaitChunks(endpoints, requestId, suffix);
                assertThat(chunks.getLast().last()).isTrue();
                assertThat(chunks).extracting(AnalysisChunk::sequence).isSorted();
                assertThat(chunks.stream().map(AnalysisChunk::delta).reduce("", String::concat)).isEqualTo(ANSWER);
                assertThat(registry.get(WorkerMetrics.FAILOVERS).tag("from", "anthropic").counter().count())
                        .isGreaterThanOrEqualTo(1.0);
                assertThat(registry.get("resilience4j.circuitbreaker.state").tag("name", "openai").gauges()).isNotEmpty();
            }
        }
    }

    private static byte[] batch(String batchId, String requestId) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, requestId, "team-it", AnalysisType.SECURITY,
                "javascript", "run.js", "require('child_process').exec('ls ' + dir)\n", null, null, Lane.INTERACTIVE,
                Map.of(), Instant.now().plusSeconds(60), true, Instant.now(), null);
        BatchItem item = new BatchItem("analysis:auto:auto:security:abc:def", request,
                List.of(new Requester(requestId, "team-it", null, null)));
        return Json.write(new AnalysisBatch(SchemaVersion.CURRENT, batchId, "auto/auto/interactive", Instant.now(),
                Instant.now(), List.of(item)));
    }

    private static BatchResult awaitResult(Endpoints endpoints, String batchId, String suffix) {
        try (KafkaConsumer<String, byte[]> consumer = CommittedRecords.consumer(endpoints.kafkaBootstrap(),
                "it-failover-results-" + suffix)) {
            consumer.subscribe(List.of(Topics.BATCH_RESULTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    if (batchId.equals(r.key())) {
                        return Json.read(r.value(), BatchResult.class);
                    }
                }
            }
        }
        throw new AssertionError("no batch result for " + batchId + " within 90 s");
    }

    private static List<AnalysisChunk> awaitChunks(Endpoints endpoints, String requestId, String suffix) {
        List<AnalysisChunk> chunks = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = CommittedRecords.consumer(endpoints.kafkaBootstrap(),
                "it-failover-chunks-" + suffix)) {
            consumer.subscribe(List.of(Topics.CHUNKS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && (chunks.isEmpty() || !chunks.getLast().last())) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    if (requestId.equals(r.key())) {
                        var client = r.headers().lastHeader(RequestPartitions.CLIENT_ID_HEADER);
                        assertThat(client).as("the requester's client on every chunk").isNotNull();
                        assertThat(new String(client.value(), StandardCharsets.UTF_8)).isEqualTo("team-it");
                        chunks.add(Json.read(r.value(), AnalysisChunk.class));
                    }
                }
            }
        }
        return chunks;
    }
}
