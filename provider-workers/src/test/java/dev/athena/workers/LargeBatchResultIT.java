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
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.ProviderCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A batch whose result is larger than Kafka's default 1 MiB producer request (the topics take 8 MiB, and the
 * collector closes batches only near 6 MiB) still ends with exactly one result, written once.
 */
@Tag("integration")
class LargeBatchResultIT {
    private static final String ROUTE = "builtin/rules-1/bulk";
    private static final int ITEMS = 32;
    private static final int REQUESTERS = 256;

    @Test
    void shouldWriteOneBatchResultLargerThanOneMebibyte() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-large-" + suffix);
        CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), settings.groupId(), Topics.BATCHES);
        String batchId = "it-large-batch-" + suffix;
        byte[] batch = Json.write(batch(batchId, suffix));
        assertThat(batch.length).isGreaterThan(1024 * 1024);
        try (ProviderWorkers ignored = ProviderWorkers.start(settings, new SimpleMeterRegistry(),
                ProviderCatalog.fromEnvironment(Map.of()))) {
            BatchTopic.send(endpoints.kafkaBootstrap(), ROUTE, batch);

            List<BatchResult> results = CommittedRecords.results(endpoints.kafkaBootstrap(), "it-large-results-"
                    + suffix, batchId, Duration.ofSeconds(90), 1);

            assertThat(results).hasSize(1);
            BatchResult result = results.getFirst();
            assertThat(Json.write(result).length).isGreaterThan(1024 * 1024);
            assertThat(result.items()).hasSize(ITEMS);
            assertThat(result.items()).allSatisfy(item -> {
                assertThat(item.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(item.requesters()).hasSize(REQUESTERS);
                assertThat(item.findings()).isNotEmpty();
            });
            assertThat(result.items().stream().mapToInt(i -> i.requesters().size()).sum())
                    .isEqualTo(ITEMS * REQUESTERS);
            assertThat(result.items()).extracting(ItemResult::cacheKey).doesNotHaveDuplicates();
        }
    }

    /** 32 different questions for builtin, each asked by 256 clients (coalesced), each requester traced. */
    private static AnalysisBatch batch(String batchId, String suffix) {
        Instant now = Instant.now();
        HexFormat hex = HexFormat.of();
        List<BatchItem> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            String code = "def find" + i + "(u):\n    return db.execute(\"SELECT * FROM users WHERE name='\" + u + \"'\")\n";
            AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "req-" + suffix + "-" + i + "-0",
                    "team-it", AnalysisType.SECURITY, "python", "app/db" + i + ".py", code, "builtin", null,
                    Lane.BULK, Map.of(), null, false, now, null);
            List<Requester> requesters = new ArrayList<>();
            for (int r = 0; r < REQUESTERS; r++) {
                String traceparent = "00-" + hex.formatHex(UUID.randomUUID().toString().getBytes(), 0, 16) + "-"
                        + hex.formatHex(suffix.getBytes()) + "-01";
                requesters.add(new Requester("req-" + suffix + "-" + i + "-" + r + "-" + UUID.randomUUID(),
                        "team-it-" + (r % 7), null, traceparent));
            }
            items.add(new BatchItem("analysis:builtin:rules-1:security:" + hex.formatHex(new byte[] {(byte) i})
                    + "23456789abcdef:00000000", request, requesters));
        }
        return new AnalysisBatch(SchemaVersion.CURRENT, batchId, ROUTE, now, now, items);
    }
}
