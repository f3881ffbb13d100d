package dev.athena.collector;

import static dev.athena.collector.ClientBatches.mine;
import static dev.athena.collector.ClientBatches.requestIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stops the collector while its windows hold accepted requests, then starts it again on an empty state
 * directory, so the windows must come back from their changelogs: every request ends in exactly one batch. For
 * each intake, as each has a Streams application of its own.
 */
@Tag("integration")
class CollectorRestartIT {
    @TempDir
    Path firstStateDir;
    @TempDir
    Path secondStateDir;

    @ParameterizedTest
    @EnumSource(Intake.class)
    void shouldLoseNothingAndEmitNothingTwiceAcrossRestart(Intake intake) throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String clientId = "restart-it-" + run;
        CollectorSettings settings = CollectorSettings.defaults(bootstrap, firstStateDir)
                .withApplicationId("collector-restart-it-" + run)
                .withWindows(Duration.ofSeconds(3), Duration.ofSeconds(3))
                .withCaps(1_000, 10_000_000);
        List<String> sent = new ArrayList<>();

        try (KafkaProducer<String, byte[]> producer = KafkaProbe.producer(bootstrap);
                var consumer = KafkaProbe.consumer(bootstrap, Topics.BATCHES, AnalysisBatch.class)) {
            var registry = new SimpleMeterRegistry();
            try (var first = BatchCollector.start(settings, registry)) {
                sendAll(producer, intake, clientId, run, 0, 30, sent);
                awaitOpen(registry, intake, 30);
            }
            sendAll(producer, intake, clientId, run, 30, 60, sent);
            try (var second = BatchCollector.start(
                    new CollectorSettings(bootstrap, settings.applicationId(), secondStateDir,
                            settings.interactiveWindow(), settings.bulkWindow(), settings.maxItems(),
                            settings.maxTokens(), settings.maxCodeBytes(), settings.commitInterval()),
                    new SimpleMeterRegistry())) {
                // a client retrying after the restart must not get a second item
                KafkaProbe.send(producer, intake.topic(), sent.get(0),
                        TestRequests.request(sent.get(0), clientId, "print(0)"));
                List<String> batched = requestIds(KafkaProbe.pollUntil(consumer, b -> mine(b, clientId),
                        found -> requestIds(found, clientId).size() >= sent.size(), Duration.ofSeconds(60)), clientId);
                assertThat(batched).containsExactlyInAnyOrderElementsOf(sent);

                List<AnalysisBatch> late = KafkaProbe.pollUntil(consumer, b -> mine(b, clientId),
                        found -> false, Duration.ofSeconds(5));
                assertThat(late).as("nothing emitted twice").isEmpty();
            }
        }
    }

    private static void sendAll(KafkaProducer<String, byte[]> producer, Intake intake, String clientId, String run,
            int from, int to, List<String> sent) {
        for (int i = from; i < to; i++) {
            String requestId = "restart-" + run + "-" + i;
            KafkaProbe.send(producer, intake.topic(), requestId, TestRequests.request(requestId, clientId,
                    "print(" + i + ")"));
            sent.add(requestId);
        }
    }

    private static void awaitOpen(SimpleMeterRegistry registry, Intake intake, int expected)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline) && openRecords(registry, intake) < expected) {
            Thread.sleep(50);
        }
        assertThat(openRecords(registry, intake)).isEqualTo(expected);
    }

    private static double openRecords(SimpleMeterRegistry registry, Intake intake) {
        return registry.get("athena.collector.window.open.records").tag("intake", intake.topic()).gauge().value();
    }
}
