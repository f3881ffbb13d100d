package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.BatchApiSettings;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.config.ProviderConfig;
import dev.athena.workers.execution.ProviderBatchRecord;
import dev.athena.workers.execution.ProviderBatches;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.resilience.Backoff;
import dev.athena.workers.resilience.ProviderPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Bulk batches through the OpenAI Batch API of the fake provider, durably pending between submit and result. */
@Tag("integration")
class ProviderBatchApiIT {
    private static final String ROUTE = "auto/auto/bulk";
    private static final String ANSWER = "{\"findings\": [{\"ruleId\": \"sql-injection\", \"severity\": \"high\", "
            + "\"line\": 2, \"message\": \"SQL built by concatenation\"}]}";

    private final FakeProviderServer fake = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI).answer(ANSWER);
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void stop() {
        fake.close();
    }

    private ProviderCatalog catalog() {
        return catalog(ProviderPolicy.of(10_000, 10_000_000, 4), Duration.ofMillis(300));
    }

    private ProviderCatalog catalog(ProviderPolicy policy, Duration pollInterval) {
        // deepseek (OpenAI's wire), named by our requests: other tests' workers, which read every batch of
        // athena.batches, have no deepseek and serve these with builtin instead of calling their providers
        ProviderConfig deepseek = new ProviderConfig("deepseek", ProviderConfig.Dialect.OPENAI, 1, fake.baseUrl(),
                "sk-test", "deepseek-chat", Pricing.FREE, policy,
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10));
        return new ProviderCatalog(List.of(deepseek), 1).withBatchApis(BatchApiSettings.OFF
                .with("deepseek", Duration.ofMinutes(30)).withPollInterval(pollInterval));
    }

    private WorkerSettings settings() {
        return WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-provider-batches-" + suffix);
    }

    @Test
    void shouldSendBulkBatchToTheBatchApiAndWriteExactlyOneResultWhenItEnds() throws Exception {
        fake.batchPollsBeforeDone(2);
        String batchId = "it-pb-" + suffix;
        try (ProviderWorkers ignored = ProviderWorkers.start(settings(), new SimpleMeterRegistry(), catalog())) {
            produce(batchJson(batchId));

            List<BatchResult> results = readResults(batchId);

            assertThat(results).hasSize(1);
            assertThat(results.getFirst().items()).hasSize(2).allSatisfy(item -> {
                assertThat(item.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(item.servedBy().provider()).isEqualTo("deepseek");
                assertThat(item.findings()).singleElement().satisfies(f -> assertThat(f.ruleId())
                        .isEqualTo("sql-injection"));
            });
            assertThat(uploadsOfOurs()).isEqualTo(1);
            assertThat(fake.requests()).noneMatch(this::chatOfOurs);
            assertThat(fake.requests()).filteredOn(r -> r.method().equals("GET") && r.path().startsWith("/v1/batches/"))
                    .hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void shouldResumePollingAfterRestartWithoutSubmittingAgain() throws Exception {
        fake.batchPollsBeforeDone(Integer.MAX_VALUE);
        String batchId = "it-pb-restart-" + suffix;
        ProviderBatchRecord pending;
        ProviderWorkers first = ProviderWorkers.start(settings().withInstanceId("pb-a-" + suffix),
                new SimpleMeterRegistry(), catalog());
        try {
            produce(batchJson(batchId));
            pending = awaitPendingRecord(batchId);
            assertThat(pending.providerBatchId()).startsWith("batch_");
            assertThat(pending.provider()).isEqualTo("deepseek");
        } finally {
            first.close();
        }
        fake.batchPollsBeforeDone(0);
        int submittedBefore = fake.batchSubmissions();
        try (ProviderWorkers ignored = ProviderWorkers.start(settings().withInstanceId("pb-b-" + suffix),
                new SimpleMeterRegistry(), catalog())) {
            List<BatchResult> results = readResults(batchId);

            assertThat(results).hasSize(1);
            assertThat(results.getFirst().items()).extracting(i -> i.status())
                    .containsExactly(ResultStatus.COMPLETED, ResultStatus.COMPLETED);
            assertThat(fake.batchSubmissions()).isEqualTo(submittedBefore);
            assertThat(uploadsOfOurs()).isEqualTo(1);
            assertThat(fake.requests()).noneMatch(this::chatOfOurs);
            assertThat(fake.requests()).anyMatch(r -> r.path().equals("/v1/batches/" + pending.providerBatchId()));
        }
    }

    @Test
    void shouldCancelAPendingProviderBatchOnceEveryRequesterOfItIsCancelled() throws Exception {
        fake.batchPollsBeforeDone(Integer.MAX_VALUE);
        String batchId = "it-pb-cancel-" + suffix;
        try (ProviderWorkers ignored = ProviderWorkers.start(settings(), new SimpleMeterRegistry(), catalog())) {
            produce(batchJson(batchId));
            ProviderBatchRecord pending = awaitPendingRecord(batchId);
            for (int i = 0; i < 2; i++) {
                produce(Topics.CANCELLATIONS, "req-" + i + "-" + suffix,
                        Json.writeString(AnalysisCancellation.of("team-it", "req-" + i + "-" + suffix)));
            }

            List<BatchResult> results = readResults(batchId);

            assertThat(results).hasSize(1);
            assertThat(results.getFirst().items()).hasSize(2).allSatisfy(item -> {
                assertThat(item.status()).isEqualTo(ResultStatus.CANCELLED);
                assertThat(item.error().message()).contains("while its provider batch was running");
            });
            assertThat(fake.batchCancellations()).containsExactly(pending.providerBatchId());
            assertThat(fake.requests()).noneMatch(this::chatOfOurs);
        }
    }

    @Test
    void shouldRunBulkBatchSynchronouslyWithExactlyOneResultWhileTheBreakerIsOpen() throws Exception {
        // one failure in two opens the breaker, which then stays open for the whole test
        ProviderPolicy policy = ProviderPolicy.of(10_000, 10_000_000, 4).withRetry(1, Duration.ZERO, Duration.ZERO)
                .withBreaker(4, 2, Duration.ofMinutes(5), Backoff.EXPONENTIAL);
        fake.always(new Fault.Status(503)); // per-item calls fail; the fake's batch endpoints would still answer
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String batchId = "it-pb-open-" + suffix;
        try (ProviderWorkers ignored = ProviderWorkers.start(settings(), registry,
                catalog(policy, Duration.ofMinutes(1)))) {
            tripBreaker(registry);

            produce(batchJson(batchId, "bulk", "db"));
            List<BatchResult> results = readResults(batchId);

            assertThat(results).hasSize(1);
            assertThat(results.getFirst().items()).hasSize(2).allSatisfy(item -> {
                assertThat(item.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(item.servedBy().provider()).isEqualTo("builtin");
                assertThat(item.servedBy().degraded()).isTrue();
            });
            assertThat(uploadsOfOurs()).isZero();
            assertThat(registry.get(WorkerMetrics.BATCH_API_CALLS).tag("provider", "deepseek").tag("call", "submit")
                    .tag("outcome", "refused").counter().count()).isGreaterThanOrEqualTo(1.0);
        }
    }

    /** Interactive batches (never sent to a batch API) whose calls fail, until deepseek's breaker is open. */
    private void tripBreaker(SimpleMeterRegistry registry) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int round = 0; !breakerOpen(registry); round++) {
            assertThat(System.nanoTime()).as("deepseek's breaker opens within 60 s").isLessThan(deadline);
            produce(batchJson("it-pb-trip-" + round + "-" + suffix, "interactive", "trip"));
            long roundEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!breakerOpen(registry) && System.nanoTime() < roundEnd) {
                Thread.sleep(100);
            }
        }
    }

    private static boolean breakerOpen(SimpleMeterRegistry registry) {
        var state = registry.find("resilience4j.circuitbreaker.state").tag("name", "deepseek").tag("state", "open")
                .gauge();
        return state != null && state.value() == 1.0;
    }

    /** Other tests' batches share athena.batches; ours carry the suffix in their paths. */
    private long uploadsOfOurs() {
        return fake.requests().stream().filter(r -> r.path().equals("/v1/files") && r.body().contains(suffix)).count();
    }

    private boolean chatOfOurs(FakeProviderServer.Recorded r) {
        return r.path().endsWith("/chat/completions") && r.body().contains(suffix);
    }

    private String batchJson(String batchId) {
        return batchJson(batchId, "bulk", "db");
    }

    private String batchJson(String batchId, String lane, String file) {
        String code = "def find(u):\\n    return db.execute(\\\"SELECT * FROM users WHERE name='\\\" + u + \\\"'\\\")\\n";
        String now = Instant.now().toString();
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            items.append(i == 0 ? "" : ",").append("""
                    {"cacheKey":"analysis:auto:auto:security:%s%d:00000000",
                     "request":{"schemaVersion":1,"requestId":"req-%d-%s","clientId":"team-it","analysisType":"security",
                                "language":"python","path":"app/%s%d-%s.py","code":"%s","provider":"deepseek",
                                "lane":"%s","createdAt":"%s"},
                     "requesters":[{"requestId":"req-%d-%s","clientId":"team-it"}]}
                    """.formatted(suffix, i, i, suffix, file, i, suffix, code, lane, now, i, suffix));
        }
        return """
                {"schemaVersion":1,"batchId":"%s","route":"%s","windowStart":"%s","windowEnd":"%s","items":[%s]}
                """.formatted(batchId, ROUTE, now, now, items);
    }

    private void produce(String value) throws Exception {
        produce(Topics.BATCHES, ROUTE, value);
    }

    private void produce(String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private ProviderBatchRecord awaitPendingRecord(String batchId) {
        try (KafkaConsumer<String, byte[]> consumer = CommittedRecords.consumer(endpoints.kafkaBootstrap(),
                "it-pending-" + suffix)) {
            consumer.subscribe(List.of(ProviderBatches.TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    if (batchId.equals(record.key()) && record.value() != null) {
                        return Json.read(record.value(), ProviderBatchRecord.class);
                    }
                }
            }
        }
        throw new AssertionError("no pending provider batch record for " + batchId + " within 90s");
    }

    /** Every result for our batch id that appears within the deadline, plus a quiet period to catch duplicates. */
    private List<BatchResult> readResults(String batchId) {
        return CommittedRecords.results(endpoints.kafkaBootstrap(), "it-results-" + suffix, batchId,
                Duration.ofSeconds(90), 1);
    }
}
