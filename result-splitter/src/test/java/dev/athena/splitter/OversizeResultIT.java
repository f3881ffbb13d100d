package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A result larger than Kafka's default 1 MB (a file with thousands of findings; batch results may take 8 MiB),
 * for a client whose result topic an earlier build created at the broker's default record size: it reaches the
 * client, and the client after it on the same input partition gets its result too. Before, the splitter's
 * producer and the topic refused it, and the partition retried the same transaction for ever.
 */
@Tag("integration")
class OversizeResultIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldDeliverAResultOverOneMegabyteAndKeepTheClientsAfterItFlowing() throws Exception {
        String input = "oversize-result-" + run;
        String large = "oversize-a-" + run;
        String small = "oversize-b-" + run;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin);
            provisioner.ensure(new TopicSpec(input, 1, Map.of("max.message.bytes",
                    String.valueOf(Topics.MAX_RECORD_BYTES))));
            // as an earlier build made it: the broker's default record size
            provisioner.ensure(new TopicSpec(Topics.resultsTopicName(large), 3, Map.of()));

            SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                    endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("oversize-" + run)
                    .withInstanceId("oversize-" + run).withInputTopic(input);
            try (ResultSplitter splitter = ResultSplitter.start(settings, new SimpleMeterRegistry());
                    KafkaProducer<byte[], byte[]> producer = LargeResults.producer(endpoints.kafkaBootstrap())) {
                byte[] first = Json.write(new BatchResult(1, "b1-" + run, "builtin/rules-1/bulk",
                        List.of(manyFindings("req-a-" + run, large)), Instant.now()));
                assertThat(first.length).as("a batch result over Kafka's default 1 MB").isGreaterThan(1_500_000);
                producer.send(new ProducerRecord<>(input, key("b1"), first)).get();
                producer.send(new ProducerRecord<>(input, key("b2"), Json.write(new BatchResult(1, "b2-" + run,
                        "builtin/rules-1/bulk", List.of(LargeResults.failed("req-b-" + run, small)),
                        Instant.now())))).get();

                var forSmall = kafka.readCommitted(Topics.resultsTopicName(small), r -> r.size() >= 1, DEADLINE,
                        Duration.ZERO);
                assertThat(forSmall).extracting(TestKafka::key).containsExactly("req-b-" + run);
                var forLarge = kafka.readCommitted(Topics.resultsTopicName(large), r -> r.size() >= 1, DEADLINE,
                        Duration.ZERO);
                assertThat(forLarge).singleElement().satisfies(record -> {
                    assertThat(record.value().length).isGreaterThan(1_500_000);
                    AnalysisResult result = Json.read(record.value(), AnalysisResult.class);
                    assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
                    assertThat(result.findings()).hasSize(LargeResults.FINDINGS);
                });
                assertThat(splitter.isDelivering()).isTrue();
            }
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.resultsTopicName(large));
            String limit = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("max.message.bytes")
                    .value();
            assertThat(limit).isEqualTo(String.valueOf(Topics.MAX_RECORD_BYTES));
        }
    }

    private ItemResult manyFindings(String requestId, String client) {
        return LargeResults.manyFindings(requestId, client, run, i -> Severity.HIGH);
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
