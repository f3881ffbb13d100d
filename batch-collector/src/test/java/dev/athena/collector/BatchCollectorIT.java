package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class BatchCollectorIT {
    @TempDir
    Path stateDir;

    @Test
    void shouldTurnRawJsonRequestIntoCommittedBatch() {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String requestId = "it-" + run;
        String clientId = "collector-it-" + run;
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, stateDir)
                .withApplicationId("collector-it-" + run);
        String json = "{\"schemaVersion\": 1, \"requestId\": \"" + requestId + "\", \"clientId\": \"" + clientId
                + "\", \"analysisType\": \"security\", \"language\": \"python\", \"path\": \"app/db.py\","
                + " \"code\": \"def find(u):\\n    return db.execute(\\\"SELECT * FROM users WHERE name='\\\" + u)\\n\","
                + " \"lane\": \"interactive\", \"createdAt\": \"2026-11-30T10:15:00Z\"}";

        try (var collector = BatchCollector.start(settings, new SimpleMeterRegistry());
                var producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            assertThat(collector.state()).isEqualTo(KafkaStreams.State.RUNNING);
            KafkaProbe.send(producer, Topics.REQUESTS, requestId, json.getBytes(StandardCharsets.UTF_8));

            List<AnalysisBatch> mine = KafkaProbe.pollUntil(consumer,
                    b -> b.items().stream().anyMatch(i -> i.request().requestId().equals(requestId)),
                    found -> !found.isEmpty(), Duration.ofSeconds(60));

            // a new application reads the whole shared input, so other tests' requests may share the batch
            assertThat(mine).singleElement().satisfies(batch -> {
                assertThat(batch.route()).isEqualTo("auto/auto/interactive");
                assertThat(batch.items()).filteredOn(i -> i.request().requestId().equals(requestId))
                        .singleElement().satisfies(item -> {
                            assertThat(item.requesters()).singleElement()
                                    .satisfies(r -> assertThat(r.clientId()).isEqualTo(clientId));
                            assertThat(item.cacheKey()).startsWith("analysis:auto:auto:security:");
                        });
            });
        }
    }
}
