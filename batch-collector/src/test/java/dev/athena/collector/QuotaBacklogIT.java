package dev.athena.collector;

import static dev.athena.collector.ClientBatches.mine;
import static dev.athena.collector.ClientBatches.requestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.quota.ClientQuotas;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client far over its rate, on the real broker: the work beyond what its windows keep in memory waits in the
 * changelogged store of waiting items; the collector is stopped while some waits there and started again on an
 * empty state directory, and every request still ends in exactly one batch.
 */
@Tag("integration")
class QuotaBacklogIT {
    private static final int REQUESTS = 120;

    @TempDir
    Path firstStateDir;
    @TempDir
    Path secondStateDir;

    @Test
    void shouldKeepAWaitingBacklogAcrossARestartAndLetItAllGoOnce() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String clientId = "quota-it-" + run;
        // 30 items/s over 6 partitions: 5/s per task, one at a time; with 4 items a batch, 8 stay in memory
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, firstStateDir)
                .withApplicationId("collector-quota-it-" + run)
                .withCaps(4, 10_000_000)
                .withQuotas(new ClientQuotas(0, Map.of(clientId, 30.0), 1));
        List<String> sent = new ArrayList<>();
        List<AnalysisBatch> seen = new ArrayList<>();

        try (KafkaProducer<String, byte[]> producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            var registry = new SimpleMeterRegistry();
            try (var first = BatchCollector.start(settings, registry)) {
                for (int i = 0; i < REQUESTS; i++) {
                    String requestId = "quota-" + run + "-" + i;
                    KafkaProbe.send(producer, Topics.REQUESTS, requestId,
                            TestRequests.request(requestId, clientId, "print(" + i + ")"));
                    sent.add(requestId);
                }
                await(() -> gauge(registry, "athena.collector.quota.waiting") > 0);
            }
            var second = new SimpleMeterRegistry();
            try (var restarted = BatchCollector.start(settings.withStateDir(secondStateDir), second)) {
                seen.addAll(KafkaProbe.pollUntil(consumer, b -> mine(b, clientId),
                        found -> requestIds(found, clientId).size() >= sent.size(), Duration.ofSeconds(90)));
                assertThat(requestIds(seen, clientId)).containsExactlyInAnyOrderElementsOf(sent);
                seen.addAll(KafkaProbe.pollUntil(consumer, b -> mine(b, clientId), found -> false,
                        Duration.ofSeconds(3)));
                assertThat(requestIds(seen, clientId)).as("nothing emitted twice").hasSize(sent.size());
                await(() -> gauge(second, "athena.collector.window.open.records") == 0);
                assertThat(gauge(second, "athena.collector.quota.waiting")).isZero();
            }
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("intake", Topics.REQUESTS).gauge().value();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline) && !condition.getAsBoolean()) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
