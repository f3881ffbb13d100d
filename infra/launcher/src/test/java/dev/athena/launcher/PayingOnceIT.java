package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ResultStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
            List<String> requestIds = RawRequests.twoIds(endpoints, run, false);
            List<String> clients = List.of("team-a-" + run, "team-b-" + run);
            for (int i = 0; i < 2; i++) {
                kafka.produceRaw(requestIds.get(i), RawRequests.json(requestIds.get(i), clients.get(i), clients.get(i),
                        code));
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
}
