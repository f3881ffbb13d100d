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
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
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
 * A scan's reply topic deleted after the scan ended (as scans do) while a late result for it is still to come:
 * the late result goes to the client's default topic, and the clients that share the input partition are not
 * held up. Before, the splitter took the topic for existing, its send waited for metadata for max.block.ms
 * (30 s), and the failed transaction held up the whole partition for 30-60 s.
 */
@Tag("integration")
class DeletedReplyTopicIT {
    /** Well under the 30 s the producer waited for a deleted topic's metadata before. */
    private static final Duration PROMPTLY = Duration.ofSeconds(15);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldSendALateResultOfAFinishedScanToTheClientsTopicWithoutHoldingUpOthers() throws Exception {
        String input = "reply-gone-" + run;
        kafka.createTopic(input, 1);
        String scanner = "reply-gone-a-" + run;
        String other = "reply-gone-b-" + run;
        String replyTopic = Topics.resultsTopicName(scanner) + ".scan-" + run;
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("reply-gone-" + run)
                .withInstanceId("reply-gone-" + run).withInputTopic(input);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()));
                ResultSplitter splitter = ResultSplitter.start(settings, new SimpleMeterRegistry())) {
            new TopicProvisioner(admin).ensure(new TopicSpec(replyTopic, 3, Map.of()));
            kafka.produce(input, "b1", batch("b1", "req-1-" + run, scanner, replyTopic));
            assertThat(kafka.readCommitted(replyTopic, r -> r.size() >= 1, Duration.ofSeconds(60), Duration.ZERO))
                    .extracting(TestKafka::key).containsExactly("req-1-" + run);

            // the scan ends and deletes its topic; a result it gave up waiting for comes later
            admin.deleteTopics(List.of(replyTopic)).all().get();
            Eventually.await("reply topic gone", Duration.ofSeconds(60), () -> {
                try {
                    return admin.listTopics().names().get().contains(replyTopic);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, exists -> !exists);
            Thread.sleep(dev.athena.splitter.delivery.DeliveryLoop.REPLY_TOPIC_RECHECK.plusSeconds(1).toMillis());
            long sentAt = System.nanoTime();
            kafka.produce(input, "b2", batch("b2", "req-2-" + run, scanner, replyTopic));
            kafka.produce(input, "b3", batch("b3", "req-3-" + run, other, null));

            var forOther = kafka.readCommitted(Topics.resultsTopicName(other), r -> r.size() >= 1, PROMPTLY,
                    Duration.ZERO);
            assertThat(forOther).extracting(TestKafka::key).containsExactly("req-3-" + run);
            var late = kafka.readCommitted(Topics.resultsTopicName(scanner), r -> r.size() >= 1, PROMPTLY,
                    Duration.ZERO);
            assertThat(late).as("the late result, on the client's own topic").extracting(TestKafka::key)
                    .containsExactly("req-2-" + run);
            assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isLessThan(PROMPTLY);
            assertThat(admin.listTopics().names().get()).as("not created again").doesNotContain(replyTopic);
            assertThat(splitter.isDelivering()).isTrue();
        }
    }

    private byte[] batch(String id, String requestId, String client, String replyTo) {
        ItemResult item = new ItemResult(null, List.of(new Requester(requestId, client, replyTo, null)), null, null,
                ResultStatus.FAILED, null, null, null, null, new ErrorInfo("PROVIDER_DOWN", "every provider failed"),
                false);
        return Json.write(new BatchResult(1, id + "-" + run, "r", List.of(item), Instant.now()));
    }
}
