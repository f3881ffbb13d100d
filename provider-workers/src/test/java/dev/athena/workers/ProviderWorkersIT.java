package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ops.lag.LagMeters;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class ProviderWorkersIT {
    private static final String ROUTE = "builtin/rules-1/interactive";

    @Test
    void shouldWriteExactlyOneBatchResultWithFindingsAndSkipPoisonRecords() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-workers-" + suffix);
        String batchId = "it-batch-" + suffix;
        // an explicit, empty environment: API keys on a developer's machine must not route `auto` elsewhere
        ProviderCatalog noRemoteProviders = ProviderCatalog.fromEnvironment(Map.of());
        try (ProviderWorkers ignored = ProviderWorkers.start(settings, registry, noRemoteProviders)) {
            BatchTopic.send(endpoints.kafkaBootstrap(), ROUTE, "{not a batch".getBytes(StandardCharsets.UTF_8));
            BatchTopic.send(endpoints.kafkaBootstrap(), ROUTE,
                    batchJson(batchId, suffix).getBytes(StandardCharsets.UTF_8));

            List<BatchResult> results = readResults(endpoints, batchId, suffix);

            assertThat(results).hasSize(1);
            BatchResult result = results.getFirst();
            assertThat(result.route()).isEqualTo(ROUTE);
            assertThat(result.items()).hasSize(2);
            ItemResult sql = result.items().get(0);
            assertThat(sql.status()).isEqualTo(ResultStatus.COMPLETED);
            assertThat(sql.servedBy().provider()).isEqualTo("builtin");
            assertThat(sql.servedBy().model()).isEqualTo("rules-1");
            assertThat(sql.servedBy().degraded()).isFalse();
            assertThat(sql.cacheKey()).isEqualTo("analysis:auto:auto:security:0123456789abcdef:00000000");
            assertThat(sql.requesters()).extracting(r -> r.requestId())
                    .containsExactly("req-a-" + suffix, "req-b-" + suffix);
            assertThat(sql.analysisType()).isEqualTo(AnalysisType.SECURITY);
            assertThat(sql.path()).isEqualTo("app/db.py");
            assertThat(sql.summary()).isEqualTo("1 finding");
            assertThat(sql.findings()).singleElement().satisfies(f -> {
                assertThat(f.ruleId()).isEqualTo("sql-injection");
                assertThat(f.line()).isEqualTo(2);
            });
            ItemResult late = result.items().get(1);
            assertThat(late.status()).isEqualTo(ResultStatus.EXPIRED);
            assertThat(late.error().code()).isEqualTo("DEADLINE_EXCEEDED");
            assertThat(registry.get(WorkerMetrics.POISON_RECORDS).counter().count()).isGreaterThanOrEqualTo(1.0);
            assertThat(registry.get(LagMeters.LAG).tag("group", settings.groupId()).tag("topic", Topics.BATCHES)
                    .gauge()).as("the group's lag on the batches, published while the worker runs").isNotNull();
        }
        assertThat(registry.find(LagMeters.LAG).gauges()).as("and taken away once it stops").isEmpty();
    }

    private static String batchJson(String batchId, String suffix) {
        String code = "def find(u):\\n    return db.execute(\\\"SELECT * FROM users WHERE name='\\\" + u + \\\"'\\\")\\n";
        String now = Instant.now().toString();
        return """
                {"schemaVersion":1,"batchId":"%s","route":"%s","windowStart":"%s","windowEnd":"%s","items":[
                 {"cacheKey":"analysis:auto:auto:security:0123456789abcdef:00000000",
                  "request":{"schemaVersion":1,"requestId":"req-a-%s","clientId":"team-it","analysisType":"security",
                             "language":"python","path":"app/db.py","code":"%s","lane":"interactive","createdAt":"%s"},
                  "requesters":[{"requestId":"req-a-%s","clientId":"team-it"},{"requestId":"req-b-%s","clientId":"team-other"}]},
                 {"cacheKey":"analysis:auto:auto:quality:fedcba9876543210:00000000",
                  "request":{"schemaVersion":1,"requestId":"req-c-%s","clientId":"team-it","analysisType":"quality",
                             "code":"x = 1\\n","deadline":"2020-01-01T00:00:00Z"},
                  "requesters":[{"requestId":"req-c-%s","clientId":"team-it"}]}]}
                """.formatted(batchId, ROUTE, now, now, suffix, code, now, suffix, suffix, suffix, suffix);
    }

    /** Every result for our batch id that appears within the deadline, plus a quiet period to catch duplicates. */
    private static List<BatchResult> readResults(Endpoints endpoints, String batchId, String suffix) {
        return CommittedRecords.results(endpoints.kafkaBootstrap(), "it-results-" + suffix, batchId,
                Duration.ofSeconds(90), 1);
    }
}
