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
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.ProviderCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A worker whose loop stops on its own is seen to be dead: here a second instance started with the same instance
 * id (a pod restarted while the old one still runs) fences the first one's producer, and the first one's loop
 * stops at its next transaction. The process around it learns of it ({@link WorkersMain} exits non-zero), and
 * the batches still end with one result each, written by the instance that is left.
 */
@Tag("integration")
class WorkerDeathIT {
    private static final String ROUTE = "builtin/rules-1/interactive";

    @Test
    void shouldReportALoopThatStoppedOnItsOwnAsDead() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-death-" + suffix).withInstanceId("it-death-" + suffix);
        CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), settings.groupId(), Topics.BATCHES);
        ProviderCatalog builtinOnly = ProviderCatalog.fromEnvironment(Map.of());
        try (ProviderWorkers first = ProviderWorkers.start(settings, new SimpleMeterRegistry(), builtinOnly);
                ProviderWorkers second = ProviderWorkers.start(settings, new SimpleMeterRegistry(), builtinOnly)) {
            CompletableFuture<Optional<Throwable>> death = CompletableFuture.supplyAsync(() -> {
                try {
                    return first.awaitDeath();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(first.alive()).isTrue();
            int partitions = 6;
            List<String> batchIds = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                batchIds.add("it-death-batch-" + suffix + "-" + p);
            }
            produce(endpoints, batchIds);

            Optional<Throwable> died = death.get(60, TimeUnit.SECONDS);

            assertThat(died).hasValueSatisfying(cause -> {
                assertThat(cause).hasMessageContaining("batch loop stopped");
                assertThat(fenced(cause)).as("fenced: %s", cause).isTrue();
            });
            assertThat(first.alive()).isFalse();
            assertThat(first.death()).isEqualTo(died);
            assertThat(WorkersHealth.of(first)).as("what its /health answers").satisfies(health -> {
                assertThat(health.up()).isFalse();
                assertThat(health.details().get("reason")).contains("batch loop stopped");
            });
            assertThat(WorkersHealth.of(second).up()).isTrue();
            assertThat(second.alive()).isTrue();
            for (String batchId : batchIds) {
                List<BatchResult> results = CommittedRecords.results(endpoints.kafkaBootstrap(),
                        "it-death-results-" + batchId, batchId, Duration.ofSeconds(90), 1);
                assertThat(results).as("results of %s", batchId).hasSize(1);
            }
        }
    }

    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    /** One batch to each partition, so that the fenced instance certainly holds one of them. */
    private static void produce(Endpoints endpoints, List<String> batchIds) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int p = 0; p < batchIds.size(); p++) {
                String batchId = batchIds.get(p);
                // builtin by name: workers of other tests that read the topic from its start call no provider
                AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "req-" + batchId, "team-it",
                        AnalysisType.SECURITY, null, null, "x = eval(s)\n", "builtin", null, Lane.INTERACTIVE,
                        Map.of(), null, null, null, null);
                AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, batchId, ROUTE, Instant.now(),
                        Instant.now(), List.of(new BatchItem("analysis:builtin:rules-1:security:0123456789abcdef:00000000",
                                request, List.of(new Requester(request.requestId(), "team-it", null, null)))));
                producer.send(new ProducerRecord<>(Topics.BATCHES, p, ROUTE, Json.write(batch))).get();
            }
        }
    }
}
