package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same question from two clients whose producer keys by request id, so the two requests reach different
 * collector partitions and never share a window: the pipeline still pays one provider call for both, because
 * the workers see the second while the first is with the (slow, fake) provider.
 */
@Tag("integration")
class PayingOnceIT {
    private static final String ANSWER = "```json\n{\"findings\": [{\"ruleId\": \"code-injection\", "
            + "\"severity\": \"high\", \"line\": 1, \"message\": \"eval of input\"}]}\n```";

    @Test
    void shouldAnswerTheSameQuestionOnTwoPartitionsWithOneProviderCall(@TempDir Path state) throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String code = "result = eval(user_input)  # " + run + "\n";
        try (FakeProviderServer anthropic = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)
                .always(new Fault.Delayed(Duration.ofSeconds(3), new Fault.Answer(ANSWER)));
                PipelineServices ignored = PipelineServices.start(endpoints, state, new SimpleMeterRegistry(),
                        Map.of("ANTHROPIC_API_KEY", "test-anthropic", "ANTHROPIC_BASE_URL", anthropic.baseUrl(),
                                "ATHENA_ANTHROPIC_RPM", "600"))) {
            KafkaProbe kafka = new KafkaProbe(endpoints.kafkaBootstrap());
            List<String> requestIds = onDifferentPartitions(endpoints, run);
            List<String> clients = List.of("team-a-" + run, "team-b-" + run);
            for (int i = 0; i < 2; i++) {
                kafka.produceRaw(requestIds.get(i), request(requestIds.get(i), clients.get(i), code));
            }

            List<AnalysisResult> results = new ArrayList<>();
            for (String client : clients) {
                List<AnalysisResult> theirs = kafka.readResults(client, 1, Duration.ofSeconds(60),
                        Duration.ofSeconds(2));
                assertThat(theirs).as("exactly one result for " + client).hasSize(1);
                results.addAll(theirs);
            }
            assertThat(results).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(ResultStatus.COMPLETED);
                assertThat(r.servedBy().provider()).isEqualTo("anthropic");
                assertThat(r.findings()).extracting(f -> f.ruleId()).containsExactly("code-injection");
            });
            assertThat(results).extracting(AnalysisResult::requestId).containsExactlyElementsOf(requestIds);
            assertThat(results.get(0).batchId()).as("two batches: no window had both").isNotEqualTo(
                    results.get(1).batchId());
            assertThat(results).filteredOn(AnalysisResult::cached).as("one answered by the other's call").hasSize(1);
            assertThat(anthropic.requestCount()).as("one provider call for both").isEqualTo(1);
        }
    }

    /** Two request ids that Kafka's default partitioner (murmur2 of the key) puts on different partitions. */
    private static List<String> onDifferentPartitions(Endpoints endpoints, String run) throws Exception {
        int partitions;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            partitions = admin.describeTopics(List.of(Topics.REQUESTS)).allTopicNames().get().get(Topics.REQUESTS)
                    .partitions().size();
        }
        String first = "req-" + run + "-0";
        for (int i = 1; ; i++) {
            String other = "req-" + run + "-" + i;
            if (RequestPartitions.of(first, partitions) != RequestPartitions.of(other, partitions)) {
                return List.of(first, other);
            }
        }
    }

    private static byte[] request(String requestId, String clientId, String code) {
        return """
                {"schemaVersion": 1, "requestId": "%s", "clientId": "%s", "analysisType": "security",
                 "language": "python", "path": "app/%s.py", "code": %s, "lane": "interactive"}"""
                .formatted(requestId, clientId, clientId, Json.writeString(code)).getBytes(StandardCharsets.UTF_8);
    }
}
