package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real Kafka and Redis, a fake Anthropic that takes two seconds to answer: a question that arrives in a second
 * batch while the first asking is still with the provider is answered by that one call.
 */
@Tag("integration")
class InFlightSharingIT {
    private static final String ROUTE = "auto/auto/interactive";
    private static final String ANSWER = "```json\n{\"findings\": [{\"ruleId\": \"code-injection\", "
            + "\"severity\": \"high\", \"line\": 1, \"message\": \"eval of input\"}]}\n```";

    @Test
    void shouldAnswerTheSameQuestionFromTwoBatchesWithOneProviderCall() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String key = "analysis:auto:auto:security:" + suffix + ":00000000";
        try (FakeProviderServer anthropic = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)) {
            anthropic.always(new Fault.Delayed(Duration.ofSeconds(2), new Fault.Answer(ANSWER)));
            ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of(
                    "ANTHROPIC_API_KEY", "test-anthropic", "ANTHROPIC_BASE_URL", anthropic.baseUrl(),
                    "ATHENA_ANTHROPIC_RPM", "600"));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                    .withGroupId("it-in-flight-" + suffix);
            CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), settings.groupId(), Topics.BATCHES);
            try (ProviderWorkers ignored = ProviderWorkers.start(settings, registry, catalog)) {
                BatchTopic.send(endpoints.kafkaBootstrap(), ROUTE,
                        batch("it-first-" + suffix, key, "r1-" + suffix, "team-a", "src/eval.py"));
                awaitRequests(anthropic, 1);
                BatchTopic.send(endpoints.kafkaBootstrap(), ROUTE,
                        batch("it-second-" + suffix, key, "r2-" + suffix, "team-b", "vendor/eval.py"));

                BatchResult first = onlyResult(endpoints, "it-first-" + suffix);
                BatchResult second = onlyResult(endpoints, "it-second-" + suffix);

                ItemResult asked = first.items().getFirst();
                ItemResult shared = second.items().getFirst();
                assertThat(asked.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(asked.servedBy().provider()).isEqualTo("anthropic");
                assertThat(asked.cached()).isFalse();
                assertThat(shared.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(shared.servedBy()).isEqualTo(asked.servedBy());
                assertThat(shared.findings()).isEqualTo(asked.findings()).isNotEmpty();
                assertThat(shared.requesters()).extracting(Requester::requestId).containsExactly("r2-" + suffix);
                assertThat(shared.path()).isEqualTo("vendor/eval.py");
                assertThat(shared.cached()).isTrue();
                assertThat(shared.usage()).isEqualTo(Usage.NONE);
                assertThat(anthropic.requestCount()).as("one provider call for both").isEqualTo(1);
                assertThat(registry.get(WorkerMetrics.SHARED_ITEMS).tag("provider", "anthropic").counter().count())
                        .isEqualTo(1.0);
            }
        }
    }

    private static byte[] batch(String batchId, String key, String requestId, String clientId, String path) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, requestId, clientId,
                AnalysisType.SECURITY, "python", path, "result = eval(user_input)\n", null, null, Lane.INTERACTIVE,
                Map.of(), Instant.now().plusSeconds(60), null, Instant.now(), null);
        BatchItem item = new BatchItem(key, request, List.of(new Requester(requestId, clientId, null, null)));
        return Json.write(new AnalysisBatch(SchemaVersion.CURRENT, batchId, ROUTE, Instant.now(), Instant.now(),
                List.of(item)));
    }

    private static void awaitRequests(FakeProviderServer provider, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (provider.requestCount() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(provider.requestCount()).as("the first batch reached the provider").isEqualTo(count);
    }

    private static BatchResult onlyResult(Endpoints endpoints, String batchId) {
        List<BatchResult> results = CommittedRecords.results(endpoints.kafkaBootstrap(), "it-in-flight-results-"
                + batchId, batchId, Duration.ofSeconds(90), 1);
        assertThat(results).as("exactly one result for " + batchId).hasSize(1);
        return results.getFirst();
    }
}
