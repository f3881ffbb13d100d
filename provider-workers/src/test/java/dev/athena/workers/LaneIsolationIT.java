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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A slow bulk batch does not hold back an interactive batch that arrives after it on another partition. */
@Tag("integration")
class LaneIsolationIT {
    @Test
    void shouldWriteInteractiveResultWhileSlowBulkBatchIsStillRunning() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String group = "it-lanes-" + suffix;
        CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), group, Topics.BATCHES);
        try (FakeProviderServer anthropic = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)
                .answer("{\"findings\": []}")) {
            anthropic.enqueue(new Fault.Delayed(Duration.ofSeconds(12), new Fault.Answer("{\"findings\": []}")));
            ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of("ANTHROPIC_API_KEY", "k",
                    "ANTHROPIC_BASE_URL", anthropic.baseUrl(), "ATHENA_ANTHROPIC_RPM", "600"));
            WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                    .withGroupId(group);
            try (ProviderWorkers ignored = ProviderWorkers.start(settings, new SimpleMeterRegistry(), catalog)) {
                String bulk = "it-lanes-bulk-" + suffix;
                String interactive = "it-lanes-interactive-" + suffix;
                BatchTopic.send(endpoints.kafkaBootstrap(), 0, "route", batch(bulk, "anthropic", Lane.BULK));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (anthropic.requestCount() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Instant sent = Instant.now();
                BatchTopic.send(endpoints.kafkaBootstrap(), 1, "route", batch(interactive, "builtin", Lane.INTERACTIVE));

                List<String> order = new ArrayList<>();
                Map<String, Instant> seen = new HashMap<>();
                readResults(endpoints, suffix, List.of(bulk, interactive), order, seen);
                assertThat(order).containsExactly(interactive, bulk);
                assertThat(Duration.between(sent, seen.get(interactive))).isLessThan(Duration.ofSeconds(8));
            }
        }
    }

    /**
     * A backlog of bulk batches waiting for their lane's one slot fills its partition past the worker's pending
     * limit: that partition pauses, and an interactive batch on another partition is still polled and answered at
     * once. Before, the whole consumer paused and the interactive batch waited for the bulk backlog to drain.
     */
    @Test
    void shouldAnswerInteractiveWorkWhileABulkBacklogFillsAnotherPartition() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String group = "it-backlog-" + suffix;
        CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), group, Topics.BATCHES);
        try (FakeProviderServer anthropic = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)
                .answer("{\"findings\": []}")) {
            anthropic.enqueue(new Fault.Delayed(Duration.ofSeconds(15), new Fault.Answer("{\"findings\": []}")));
            ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of("ANTHROPIC_API_KEY", "k",
                    "ANTHROPIC_BASE_URL", anthropic.baseUrl(), "ATHENA_ANTHROPIC_RPM", "600"));
            // one batch per lane at a time: pending work pauses a partition at 8 records
            WorkerSettings settings = new WorkerSettings(endpoints.kafkaBootstrap(), endpoints.redisUrl(), group,
                    "it-backlog-" + suffix, 1);
            try (ProviderWorkers ignored = ProviderWorkers.start(settings, new SimpleMeterRegistry(), catalog)) {
                List<String> bulk = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    bulk.add("it-backlog-bulk-" + i + "-" + suffix);
                    BatchTopic.send(endpoints.kafkaBootstrap(), 0, "route", batch(bulk.getLast(), "anthropic", Lane.BULK));
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (anthropic.requestCount() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(1_000); // the loop polls the backlog and pauses partition 0
                String interactive = "it-backlog-interactive-" + suffix;
                Instant sent = Instant.now();
                BatchTopic.send(endpoints.kafkaBootstrap(), 1, "route", batch(interactive, "builtin", Lane.INTERACTIVE));

                List<String> order = new ArrayList<>();
                Map<String, Instant> seen = new HashMap<>();
                readResults(endpoints, suffix, List.of(interactive), order, seen);
                assertThat(order).containsExactly(interactive);
                assertThat(Duration.between(sent, seen.get(interactive))).isLessThan(Duration.ofSeconds(8));
            }
        }
    }

    private static byte[] batch(String batchId, String provider, Lane lane) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "req-" + batchId, "team-it",
                AnalysisType.SECURITY, "python", "a.py", "x = eval(y)\n", provider, null, lane, Map.of(), null, null,
                Instant.now(), null);
        return Json.write(new AnalysisBatch(SchemaVersion.CURRENT, batchId, provider + "/auto/" + lane.wireName(),
                Instant.now(), Instant.now(), List.of(new BatchItem("analysis:" + provider + ":auto:security:a:b",
                        request, List.of(new Requester(request.requestId(), "team-it", null, null))))));
    }

    private static void readResults(Endpoints endpoints, String suffix, List<String> wanted, List<String> order,
            Map<String, Instant> seen) {
        try (KafkaConsumer<String, byte[]> consumer = CommittedRecords.consumer(endpoints.kafkaBootstrap(),
                "it-lanes-results-" + suffix)) {
            consumer.subscribe(List.of(Topics.BATCH_RESULTS));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && order.size() < wanted.size()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (wanted.contains(r.key())) {
                        BatchResult result = Json.read(r.value(), BatchResult.class);
                        assertThat(result.items().getFirst().status()).isEqualTo(ResultStatus.COMPLETED);
                        order.add(r.key());
                        seen.put(r.key(), Instant.now());
                    }
                }
            }
        }
    }
}
