package dev.athena.workers.provider.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.RetriableProviderException;
import dev.athena.workers.provider.vendor.anthropic.AnthropicProvider;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VendorAdaptersTest {
    private static final String FENCED = "I found one issue.\n\n```json\n{\"findings\": [{\"ruleId\": \"sql-injection\", "
            + "\"severity\": \"high\", \"line\": 2, \"message\": \"SQL built by concatenation\", "
            + "\"suggestion\": \"Use a parameterised query\"}], \"summary\": \"one injection\"}\n```\nHope this helps.";
    private static final Pricing PRICES = new Pricing(3.0, 15.0, 0.3);

    private final FakeProviderServer openAiServer = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI);
    private final FakeProviderServer anthropicServer = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC);
    private final InstantSource clock = InstantSource.system();

    @AfterEach
    void stop() {
        openAiServer.close();
        anthropicServer.close();
    }

    private Provider openAi() {
        return new OpenAiCompatibleProvider(VendorSettings.of("openai", openAiServer.baseUrl(), "sk-test-key",
                "gpt-4o-mini", PRICES).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(2000), Duration.ofMillis(1000)),
                clock);
    }

    private Provider anthropic() {
        return new AnthropicProvider(VendorSettings.of("anthropic", anthropicServer.baseUrl(), "ant-test-key",
                "claude-sonnet-4-5", PRICES).withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(2000),
                Duration.ofMillis(1000)), clock);
    }

    private ProviderCall call(boolean stream, ProviderCall.DeltaSink sink) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r1", "c1", AnalysisType.SECURITY,
                "python", "app/db.py", "def find(u):\n    return db.execute('SELECT ' + u)\n", null, null,
                Lane.INTERACTIVE, Map.of(), null, stream, null, null);
        return new ProviderCall(request, "model-x", Instant.now().plusSeconds(10), sink);
    }

    @Test
    void shouldParseOpenAiAnswerWrappedInProseAndFencesWithUsageAndCost() {
        openAiServer.answer(FENCED);
        ProviderAnswer answer = openAi().analyse(call(false, null));
        assertThat(answer.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("sql-injection");
            assertThat(f.line()).isEqualTo(2);
        });
        assertThat(answer.summary()).isEqualTo("one injection");
        assertThat(answer.usage().inputTokens()).isPositive();
        assertThat(answer.usage().costUsd()).isPositive();
        FakeProviderServer.Recorded seen = openAiServer.requests().getFirst();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers()).containsEntry("authorization", "Bearer sk-test-key");
        assertThat(seen.body()).startsWith("{\"model\":\"model-x\",\"messages\":[{\"role\":\"system\"");
    }

    @Test
    void shouldStreamOpenAiDeltasInOrder() {
        openAiServer.answer(FENCED);
        List<String> deltas = new CopyOnWriteArrayList<>();
        ProviderAnswer answer = openAi().analyse(call(true, deltas::add));
        assertThat(String.join("", deltas)).isEqualTo(FENCED);
        assertThat(answer.findings()).hasSize(1);
        assertThat(answer.usage().outputTokens()).isPositive();
        assertThat(openAiServer.requests().getFirst().body()).contains("\"include_usage\":true");
    }

    @Test
    void shouldTypeOpenAiFailures() {
        openAiServer.enqueue(new Fault.RateLimited(2), new Fault.QuotaExhausted(), new Fault.Status(503),
                new Fault.Malformed("<html>oops</html>"), new Fault.Reset(), new Fault.Stall(Duration.ofSeconds(4)),
                new Fault.Status(401), new Fault.Status(400));
        Provider p = openAi();
        assertThatThrownBy(() -> p.analyse(call(false, null))).isInstanceOfSatisfying(RetriableProviderException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.RATE_LIMITED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
                });
        assertFatal(p, FatalProviderException.Kind.QUOTA_EXHAUSTED);
        assertRetriable(p, RetriableProviderException.Kind.OVERLOADED);
        assertFatal(p, FatalProviderException.Kind.CONTRACT);
        assertRetriable(p, RetriableProviderException.Kind.CONNECTION);
        assertRetriable(p, RetriableProviderException.Kind.TIMEOUT);
        assertFatal(p, FatalProviderException.Kind.AUTH);
        assertFatal(p, FatalProviderException.Kind.INVALID_INPUT);
    }

    @Test
    void shouldTreatBrokenStreamBeforeFirstTokenAsRetriableAndAfterAsCut() {
        openAiServer.enqueue(new Fault.TruncatedStream(List.of("{\"find")), new Fault.TruncatedStream(List.of("{\"find")));
        assertThatThrownBy(() -> openAi().analyse(call(true, null)))
                .isInstanceOf(RetriableProviderException.class);
        List<String> deltas = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> openAi().analyse(call(true, deltas::add)))
                .isInstanceOfSatisfying(FatalProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FatalProviderException.Kind.STREAM_CUT);
                    assertThat(e.getMessage()).contains("cut after 6 streamed characters");
                });
        assertThat(deltas).containsExactly("{\"find");
    }

    /** A response that does not come before the request's own deadline is our limit, not the provider's failure. */
    @Test
    void shouldSayCutShortWhenTheDeadlineNotTheProviderEndedTheWait() {
        openAiServer.enqueue(new Fault.Stall(Duration.ofSeconds(4)));
        AnalysisRequest request = call(false, null).request();
        ProviderCall tight = new ProviderCall(request, "model-x", Instant.now().plusMillis(500), null);
        assertThatThrownBy(() -> openAi().analyse(tight)).isInstanceOfSatisfying(RetriableProviderException.class,
                e -> {
                    assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.CUT_SHORT);
                    assertThat(e.kind().providerFault()).isFalse();
                });
    }

    @Test
    void shouldTimeOutStreamThatGoesSilent() {
        anthropicServer.enqueue(new Fault.StallInStream(List.of("{\"fin"), Duration.ofSeconds(5)));
        assertThatThrownBy(() -> anthropic().analyse(call(true, null))).isInstanceOfSatisfying(
                RetriableProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("idle stream timeout");
                });
    }

    @Test
    void shouldCallAnthropicWithCacheablePrefixAndRecordCacheReads() {
        anthropicServer.answer(FENCED);
        ProviderAnswer answer = anthropic().analyse(call(false, null));
        assertThat(answer.findings()).extracting(f -> f.ruleId()).containsExactly("sql-injection");
        assertThat(answer.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(answer.usage().cacheReadTokens()).isEqualTo(256);
        assertThat(answer.usage().inputTokens()).isGreaterThan(256);
        FakeProviderServer.Recorded seen = anthropicServer.requests().getFirst();
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.headers()).containsEntry("x-api-key", "ant-test-key")
                .containsEntry("anthropic-version", "2023-06-01");
        assertThat(seen.body()).contains("\"cache_control\":{\"type\":\"ephemeral\"}");
    }

    @Test
    void shouldStreamAnthropicAndTypeItsFailures() {
        anthropicServer.answer(FENCED);
        List<String> deltas = new CopyOnWriteArrayList<>();
        ProviderAnswer answer = anthropic().analyse(call(true, deltas::add));
        assertThat(String.join("", deltas)).isEqualTo(FENCED);
        assertThat(answer.usage().outputTokens()).isPositive();

        anthropicServer.enqueue(new Fault.OverloadedInStream(List.of("{\"findings\"")), new Fault.Status(529),
                new Fault.QuotaExhausted(), new Fault.RateLimited(0));
        Provider p = anthropic();
        assertThatThrownBy(() -> p.analyse(call(true, null))).isInstanceOfSatisfying(
                RetriableProviderException.class, e -> assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.OVERLOADED));
        assertRetriable(p, RetriableProviderException.Kind.OVERLOADED);
        assertFatal(p, FatalProviderException.Kind.QUOTA_EXHAUSTED);
        assertThatThrownBy(() -> p.analyse(call(false, null))).isInstanceOfSatisfying(RetriableProviderException.class,
                e -> assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive()
                        .isLessThanOrEqualTo(Duration.ofSeconds(1))));
    }

    private void assertFatal(Provider p, FatalProviderException.Kind kind) {
        assertThatThrownBy(() -> p.analyse(call(false, null))).isInstanceOfSatisfying(FatalProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(kind));
    }

    private void assertRetriable(Provider p, RetriableProviderException.Kind kind) {
        assertThatThrownBy(() -> p.analyse(call(false, null))).isInstanceOfSatisfying(
                RetriableProviderException.class, e -> assertThat(e.kind()).isEqualTo(kind));
    }
}
