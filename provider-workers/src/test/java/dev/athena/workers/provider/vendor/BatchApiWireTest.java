package dev.athena.workers.provider.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.workers.provider.spi.BatchApi;
import dev.athena.workers.provider.spi.BatchGuard;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.vendor.anthropic.AnthropicBatchApi;
import dev.athena.workers.provider.vendor.openai.OpenAiBatchApi;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchApiWireTest {
    private static final String ANSWER = "{\"findings\": [{\"ruleId\": \"sql-injection\", \"severity\": \"high\", "
            + "\"line\": 2, \"message\": \"SQL built by concatenation\"}], \"summary\": \"one injection\"}";

    private final FakeProviderServer openAiServer = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)
            .answer(ANSWER).batchPollsBeforeDone(2);
    private final FakeProviderServer anthropicServer = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)
            .answer(ANSWER).batchPollsBeforeDone(2);

    @AfterEach
    void stop() {
        openAiServer.close();
        anthropicServer.close();
    }

    private static VendorSettings settings(String name, String url) {
        return VendorSettings.of(name, url, "sk-test-key", "model-x", Pricing.FREE)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    private static Map<String, ProviderCall> calls() {
        Map<String, ProviderCall> calls = new LinkedHashMap<>();
        for (String id : List.of("item-0", "item-1")) {
            AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r-" + id, "c1", AnalysisType.SECURITY,
                    "python", "app/db.py", "def find(u):\n    return db.execute('SELECT ' + u)\n", null, null,
                    Lane.BULK, Map.of(), null, null, null, null);
            calls.put(id, new ProviderCall(request, "model-x", Instant.now().plusSeconds(3600), null));
        }
        return calls;
    }

    private static List<BatchApi.Call> asCalls(Map<String, ProviderCall> calls) {
        return calls.entrySet().stream().map(e -> new BatchApi.Call(e.getKey(), e.getValue())).toList();
    }

    @Test
    void shouldUploadJsonlCreateBatchPollAndReadOpenAiOutputFile() {
        BatchApi api = new OpenAiBatchApi(settings("openai", openAiServer.baseUrl()), InstantSource.system(),
                BatchGuard.NONE);
        openAiServer.failInBatch("item-1");
        Map<String, ProviderCall> calls = calls();

        String id = api.submit(asCalls(calls));

        assertThat(openAiServer.batchSubmissions()).isEqualTo(1);
        FakeProviderServer.Recorded upload = openAiServer.requests().getFirst();
        assertThat(upload.path()).isEqualTo("/v1/files");
        assertThat(upload.headers().get("authorization")).isEqualTo("Bearer sk-test-key");
        assertThat(upload.body()).contains("name=\"purpose\"").contains("\"custom_id\":\"item-0\"")
                .contains("\"url\":\"/v1/chat/completions\"").contains("\"method\":\"POST\"");
        assertThat(openAiServer.requests().get(1).body()).contains("\"completion_window\":\"24h\"")
                .contains("\"endpoint\":\"/v1/chat/completions\"");
        assertThat(api.poll(id, calls)).isInstanceOf(BatchApi.Status.Pending.class);
        assertThat(api.poll(id, calls)).isInstanceOf(BatchApi.Status.Pending.class);
        BatchApi.Status done = api.poll(id, calls);
        assertThat(done).isInstanceOfSatisfying(BatchApi.Status.Done.class, d -> {
            assertThat(d.outcomes().get("item-0")).isInstanceOfSatisfying(BatchApi.Outcome.Answered.class, a -> {
                assertThat(a.answer().findings()).singleElement().satisfies(f -> assertThat(f.ruleId())
                        .isEqualTo("sql-injection"));
                assertThat(a.answer().summary()).isEqualTo("one injection");
            });
            assertThat(d.outcomes().get("item-1")).isInstanceOfSatisfying(BatchApi.Outcome.Errored.class,
                    e -> assertThat(e.message()).contains("status 400"));
        });
    }

    @Test
    void shouldCreateAnthropicMessageBatchInlinePollAndReadResults() {
        BatchApi api = new AnthropicBatchApi(settings("anthropic", anthropicServer.baseUrl()), InstantSource.system(),
                BatchGuard.NONE);
        anthropicServer.failInBatch("item-0");
        Map<String, ProviderCall> calls = calls();

        String id = api.submit(asCalls(calls));

        assertThat(anthropicServer.batchSubmissions()).isEqualTo(1);
        FakeProviderServer.Recorded create = anthropicServer.requests().getFirst();
        assertThat(create.path()).isEqualTo("/v1/messages/batches");
        assertThat(create.headers().get("x-api-key")).isEqualTo("sk-test-key");
        assertThat(create.headers()).containsKey("anthropic-version");
        assertThat(create.body()).contains("\"custom_id\":\"item-1\"").contains("\"params\":{\"model\":\"model-x\"");
        assertThat(api.poll(id, calls)).isInstanceOf(BatchApi.Status.Pending.class);
        assertThat(api.poll(id, calls)).isInstanceOf(BatchApi.Status.Pending.class);
        BatchApi.Status done = api.poll(id, calls);
        assertThat(done).isInstanceOfSatisfying(BatchApi.Status.Done.class, d -> {
            assertThat(d.outcomes().get("item-1")).isInstanceOfSatisfying(BatchApi.Outcome.Answered.class,
                    a -> assertThat(a.answer().findings()).hasSize(1));
            assertThat(d.outcomes().get("item-0")).isInstanceOfSatisfying(BatchApi.Outcome.Errored.class,
                    e -> assertThat(e.message()).contains("errored"));
        });
    }

    @Test
    void shouldCancelBatchesOnBothWires() {
        BatchApi openAi = new OpenAiBatchApi(settings("openai", openAiServer.baseUrl()), InstantSource.system(),
                BatchGuard.NONE);
        BatchApi anthropic = new AnthropicBatchApi(settings("anthropic", anthropicServer.baseUrl()),
                InstantSource.system(), BatchGuard.NONE);
        Map<String, ProviderCall> calls = calls();
        String openAiId = openAi.submit(asCalls(calls));
        String anthropicId = anthropic.submit(asCalls(calls));

        openAi.cancel(openAiId);
        anthropic.cancel(anthropicId);

        assertThat(openAiServer.requests().getLast().path()).isEqualTo("/v1/batches/" + openAiId + "/cancel");
        assertThat(openAiServer.requests().getLast().headers().get("authorization")).isEqualTo("Bearer sk-test-key");
        assertThat(anthropicServer.requests().getLast().path())
                .isEqualTo("/v1/messages/batches/" + anthropicId + "/cancel");
        assertThat(openAiServer.batchCancellations()).containsExactly(openAiId);
        assertThat(anthropicServer.batchCancellations()).containsExactly(anthropicId);
        // nothing of either was processed: both count as failed as a whole, to be run the normal way
        assertThat(openAi.poll(openAiId, calls)).isInstanceOf(BatchApi.Status.Failed.class);
        assertThat(anthropic.poll(anthropicId, calls)).isInstanceOf(BatchApi.Status.Failed.class);
    }
}
