package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.fake.Fault;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.provider.vendor.VendorSettings;
import dev.athena.workers.provider.vendor.anthropic.AnthropicProvider;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import dev.athena.workers.resilience.ProviderPolicy;
import dev.athena.workers.resilience.RateLimit;
import dev.athena.workers.resilience.ResilientProvider;
import dev.athena.workers.resilience.Sleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two fake providers, primary (Anthropic) and secondary (OpenAI), behind their real guards. */
class FailoverTest {
    private static final String ANSWER = "{\"findings\": [{\"ruleId\": \"sql-injection\", \"severity\": \"high\", "
            + "\"line\": 2, \"message\": \"SQL built by concatenation\"}]}";

    private final FakeProviderServer primary = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC).answer(ANSWER);
    private final FakeProviderServer secondary = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI).answer(ANSWER);
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry);
    private final Clock clock = Clock.systemUTC();

    @AfterEach
    void stop() {
        primary.close();
        secondary.close();
        threads.shutdownNow();
    }

    private Provider guarded(Provider p) {
        ProviderPolicy policy = ProviderPolicy.of(10_000, 10_000_000, 4)
                .withRetry(3, Duration.ofMillis(20), Duration.ofMillis(200));
        return new ResilientProvider(p, policy, RateLimit.NONE, clock, Sleeper.SYSTEM, new SplittableRandom(7), metrics);
    }

    private ItemExecutor executor(boolean withSecondary) {
        VendorSettings a = VendorSettings.of("anthropic", primary.baseUrl(), "k1", "claude-sonnet-4-5", Pricing.FREE)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofMillis(1500));
        VendorSettings o = VendorSettings.of("openai", secondary.baseUrl(), "k2", "gpt-4o-mini", Pricing.FREE)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofMillis(1500));
        List<Provider> providers = withSecondary
                ? List.of(guarded(new AnthropicProvider(a, clock)), guarded(new OpenAiCompatibleProvider(o, clock)))
                : List.of(guarded(new AnthropicProvider(a, clock)));
        return new ItemExecutor(ProviderRoster.of(providers, new BuiltinProvider()), clock, Duration.ofSeconds(20),
                threads, metrics);
    }

    private static BatchItem item(boolean stream) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r1", "c1", AnalysisType.SECURITY,
                "python", "app/db.py", "def f(u):\n    db.execute('SELECT * FROM t WHERE id=' + u)\n", null, null, Lane.INTERACTIVE,
                Map.of(), Instant.now().plusSeconds(15), stream, null, null);
        return new BatchItem("analysis:auto:auto:security:x:y", request, List.of(new Requester("r1", "c1", null, null)));
    }

    @Test
    void shouldFailOverWhenPrimaryKeepsReturning503() {
        primary.enqueue(new Fault.Status(503), new Fault.Status(503), new Fault.Status(503));
        ItemResult result = executor(true).execute(item(false));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("openai");
        assertThat(result.findings()).extracting(f -> f.ruleId()).containsExactly("sql-injection");
        assertThat(primary.requestCount()).isEqualTo(3);
    }

    @Test
    void shouldFailOverWhenPrimaryStalls() {
        primary.enqueue(new Fault.Stall(Duration.ofSeconds(5)), new Fault.Stall(Duration.ofSeconds(5)),
                new Fault.Stall(Duration.ofSeconds(5)));
        ItemResult result = executor(true).execute(item(false));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("openai");
    }

    @Test
    void shouldRetryOnRateLimitAndOverloadThenSucceedAtPrimary() {
        primary.enqueue(new Fault.RateLimited(1), new Fault.Status(529));
        ItemResult result = executor(true).execute(item(false));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("anthropic");
        assertThat(primary.requestCount()).isEqualTo(3);
        assertThat(primary.requests().get(1).at()).isAfterOrEqualTo(primary.requests().get(0).at().plusMillis(900));
    }

    @Test
    void shouldRetryOverloadedErrorInsideStreamBeforeFirstToken() {
        primary.enqueue(new Fault.OverloadedInStream(List.of()));
        ItemResult result = executor(true).execute(item(true));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("anthropic");
        assertThat(primary.requestCount()).isEqualTo(2);
    }

    @Test
    void shouldNotRetryQuotaExhaustionAndFailOverAtOnce() {
        primary.enqueue(new Fault.QuotaExhausted());
        ItemResult result = executor(true).execute(item(false));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("openai");
        assertThat(primary.requestCount()).isEqualTo(1);
    }

    @Test
    void shouldFailItemClearlyWhenAnswerIsMalformed() {
        primary.enqueue(new Fault.Malformed("{\"content\": \"not the messages shape\"}"));
        ItemResult result = executor(true).execute(item(false));
        assertThat(result.status()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.error().code()).isEqualTo("PROVIDER_CONTRACT");
        assertThat(result.error().message()).startsWith("anthropic: ");
    }

    @Test
    void shouldDegradeToBuiltinWhenEveryProviderIsDown() {
        primary.enqueue(new Fault.Reset(), new Fault.Reset(), new Fault.Reset());
        ItemResult result = executor(false).execute(item(false));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("builtin");
        assertThat(result.servedBy().degraded()).isTrue();
        assertThat(result.findings()).extracting(f -> f.ruleId()).containsExactly("sql-injection");
    }
}
