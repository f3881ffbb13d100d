package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A worker stopped in the middle of a batch leaves nothing behind; the next owner writes the one result. */
@Tag("integration")
class WorkerCrashIT {
    @Test
    void shouldWriteExactlyOneResultWhenWorkerStopsMidBatch() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String group = "it-crash-" + suffix;
        String batchId = "it-crash-batch-" + suffix;
        CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), group, Topics.BATCHES);
        try (FakeProviderServer anthropic = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)
                .answer("{\"findings\": []}")) {
            anthropic.enqueue(new Fault.Stall(Duration.ofSeconds(40)));
            ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of("ANTHROPIC_API_KEY", "k",
                    "ANTHROPIC_BASE_URL", anthropic.baseUrl(), "ATHENA_ANTHROPIC_RPM", "600"));
            WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                    .withGroupId(group);
            ProviderWorkers first = ProviderWorkers.start(settings.withInstanceId("crash-a-" + suffix),
                    new SimpleMeterRegistry(), catalog);
            try {
                produce(endpoints, batchId);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (anthropic.requestCount() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(anthropic.requestCount()).isEqualTo(1);
            } finally {
                first.close();
            }
            try (ProviderWorkers ignored = ProviderWorkers.start(settings.withInstanceId("crash-b-" + suffix),
                    new SimpleMeterRegistry(), catalog)) {
                List<BatchResult> results = readResults(endpoints, batchId, suffix);
                assertThat(results).hasSize(1);
                assertThat(results.getFirst().items().getFirst().status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(results.getFirst().items().getFirst().servedBy().provider()).isEqualTo("anthropic");
                assertThat(anthropic.requestCount()).isEqualTo(2);
            }
        }
    }

    private static void produce(Endpoints endpoints, String batchId) throws Exception {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "req-" + batchId, "team-it",
                AnalysisType.QUALITY, "go", "main.go", "package main\n\nfunc main() {}\n", "anthropic", null, Lane.BULK,
                Map.of(), null, null, Instant.now(), null);
        AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, batchId, "anthropic/auto/bulk", Instant.now(),
                Instant.now(), List.of(new BatchItem("analysis:anthropic:auto:quality:a:b", request,
                        List.of(new Requester(request.requestId(), "team-it", null, null)))));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.BATCHES, batch.route(), Json.write(batch))).get();
        }
    }

    private static List<BatchResult> readResults(Endpoints endpoints, String batchId, String suffix) {
        return CommittedRecords.results(endpoints.kafkaBootstrap(), "it-crash-results-" + suffix, batchId,
                Duration.ofSeconds(90), 1);
    }
}
