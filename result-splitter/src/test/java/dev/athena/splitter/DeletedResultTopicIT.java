package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A client's result topic deleted under a running splitter (by an operator, or a retention tool) is created
 * again on the next send, and the clients that share its input partition keep getting their results.
 */
@Tag("integration")
class DeletedResultTopicIT {
    // the first attempt after the deletion waits for the topic's metadata for max.block.ms (30 s), then aborts
    private static final Duration DEADLINE = Duration.ofSeconds(150);
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldCreateADeletedResultTopicAgainAndKeepDeliveringToEveryClientOfThePartition() throws Exception {
        String input = "deleted-topic-" + run;
        kafka.createTopic(input, 1);
        String a = "deleted-a-" + run;
        String b = "deleted-b-" + run;
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("deleted-" + run)
                .withInstanceId("deleted-" + run).withInputTopic(input);

        try (ResultSplitter splitter = ResultSplitter.start(settings, new SimpleMeterRegistry());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        endpoints.kafkaBootstrap()))) {
            kafka.produce(input, "b1", batch("b1", "req-a1-" + run, a));
            assertThat(kafka.readCommitted(Topics.resultsTopicName(a), r -> r.size() >= 1, DEADLINE, Duration.ZERO))
                    .extracting(TestKafka::key).containsExactly("req-a1-" + run);

            admin.deleteTopics(List.of(Topics.resultsTopicName(a))).all().get();
            Eventually.await("a's topic gone", DEADLINE, () -> {
                try {
                    return admin.listTopics().names().get().contains(Topics.resultsTopicName(a));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, exists -> !exists);
            kafka.produce(input, "b2", batch("b2", "req-a2-" + run, a));
            kafka.produce(input, "b3", batch("b3", "req-b-" + run, b));

            var forB = kafka.readCommitted(Topics.resultsTopicName(b), r -> r.size() >= 1, DEADLINE, SETTLE);
            var forA = kafka.readCommitted(Topics.resultsTopicName(a), r -> r.size() >= 1, DEADLINE, SETTLE);
            assertThat(forB).extracting(TestKafka::key).containsExactly("req-b-" + run);
            assertThat(forA).as("a's topic, created again").extracting(TestKafka::key)
                    .containsExactly("req-a2-" + run);
            assertThat(splitter.isDelivering()).isTrue();
        }
    }

    private byte[] batch(String id, String requestId, String client) {
        ItemResult item = new ItemResult(null, List.of(new Requester(requestId, client, null, null)), null, null,
                ResultStatus.FAILED, null, null, null, null, new ErrorInfo("PROVIDER_DOWN", "every provider failed"),
                false);
        return Json.write(new BatchResult(1, id + "-" + run, "r", List.of(item), Instant.now()));
    }
}
