package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.splitter.delivery.KafkaConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An instance whose persistence path has died must say so, and its process must exit, instead of holding its
 * store partitions for ever. The path is made to die for real: a second member with the same static instance id
 * (a misconfigured duplicate ATHENA_INSTANCE_ID) fences the store consumer.
 */
@Tag("integration")
class StoppedPathIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldReportAPersistencePathThatDiedWhileDeliveryRuns() {
        String input = "stopped-" + run;
        kafka.createTopic(input, 1);
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("stopped-" + run)
                .withInstanceId("stopped-" + run).withInputTopic(input);
        try (ResultSplitter splitter = ResultSplitter.start(settings, new SimpleMeterRegistry())) {
            assertThat(splitter.stoppedPath()).isEmpty();

            try (var impostor = fence(settings.storeGroupId(), settings.transactionalId(), input)) {
                Eventually.await("persistence noticed as stopped", DEADLINE, splitter::stoppedPath,
                        Optional::isPresent);
            }
            assertThat(splitter.stoppedPath()).contains("persistence");
            assertThat(splitter.isDelivering()).isTrue();
            assertThat(SplitterHealth.of(splitter)).as("what its /health answers").satisfies(health -> {
                assertThat(health.up()).isFalse();
                assertThat(health.details()).containsEntry("stopped", "persistence");
            });
        }
    }

    @Test
    void shouldExitNonZeroWhenThePersistencePathStops() throws Exception {
        String input = "stopped-main-" + run;
        String group = "stopped-main-" + run;
        String instance = "stopped-main-" + run;
        kafka.createTopic(input, 1);
        Path log = Path.of("target", "stopped-it", "splitter-" + run + ".log");
        try (SplitterProcess process = SplitterProcess.start(endpoints, group, instance, input, log)) {
            assertThat(process.awaitExit(Duration.ofSeconds(2))).as("running while both paths run").isEmpty();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(process.ops().resolve("/health"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("\"splitter\":\"RUNNING\"");
                String metrics = http.send(HttpRequest.newBuilder(process.ops().resolve("/metrics")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(metrics).contains("athena_splitter_transactions_total", "jvm_memory_used_bytes");
            }

            try (var impostor = fence(group + ".store", group + "." + instance, input)) {
                assertThat(process.awaitExit(DEADLINE)).as("exit status").hasValue(1);
            }
            assertThat(Files.readString(log)).contains("athena-result-splitter: persistence stopped");
        }
    }

    /** Joins the store group under the splitter's own static member id, which fences the splitter's member. */
    private KafkaConsumer<byte[], byte[]> fence(String storeGroup, String transactionalId, String input) {
        var impostor = new KafkaConsumer<byte[], byte[]>(KafkaConfigs.consumer(endpoints.kafkaBootstrap(), storeGroup,
                transactionalId + ".store"));
        impostor.subscribe(List.of(input));
        Eventually.await("the impostor in the group", DEADLINE, () -> {
            impostor.poll(Duration.ofMillis(200));
            return impostor.assignment().size();
        }, n -> n > 0);
        return impostor;
    }
}
