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
import dev.athena.schemas.message.Usage;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.StubProvider;
import dev.athena.workers.provider.spi.RetriableProviderException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ItemExecutorTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private ItemExecutor executor(ProviderRoster roster, InstantSource clock) {
        return new ItemExecutor(roster, clock, Duration.ofSeconds(5), threads, new WorkerMetrics(registry));
    }

    private static BatchItem item(String provider, Instant deadline) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r1", "c1", AnalysisType.SECURITY,
                "python", "a.py", "x = eval(s)\n", provider, null, Lane.INTERACTIVE, Map.of(), deadline, null, null,
                null);
        return new BatchItem("analysis:k", request, List.of(new Requester("r1", "c1", null, null)));
    }

    /** A provider that answers nothing for a minute (the executor gives up long before). */
    private static Provider stalling(String name) {
        return provider(name, call -> {
            try {
                Thread.sleep(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("unreachable");
        });
    }

    private static Provider provider(String name, Function<ProviderCall, ProviderAnswer> behaviour) {
        return new StubProvider(name, name + "-model", behaviour);
    }

    @Test
    void shouldServeAutoFromBuiltinWhenItIsTheOnlyProvider() {
        ItemResult result = executor(ProviderRoster.builtinOnly(), InstantSource.fixed(NOW)).execute(item(null, null));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("builtin");
        assertThat(result.servedBy().model()).isEqualTo("rules-1");
        assertThat(result.servedBy().degraded()).isFalse();
        assertThat(result.findings()).extracting(f -> f.ruleId()).containsExactly("code-injection");
        assertThat(result.summary()).isEqualTo("1 finding");
    }

    @Test
    void shouldExpireItemWhoseDeadlineHasPassed() {
        ItemResult result = executor(ProviderRoster.builtinOnly(), InstantSource.fixed(NOW))
                .execute(item(null, NOW.minusSeconds(1)));
        assertThat(result.status()).isEqualTo(ResultStatus.EXPIRED);
        assertThat(result.error().code()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(result.requesters()).extracting(Requester::requestId).containsExactly("r1");
    }

    @Test
    void shouldFailOverToNextProviderAndDegradeToBuiltinLast() {
        Provider down = provider("primary", call -> {
            throw new RetriableProviderException("primary", RetriableProviderException.Kind.OVERLOADED, 529, "overloaded");
        });
        Provider secondary = provider("secondary", call -> new ProviderAnswer(List.of(), null, call.model(),
                new Usage(10, 5, 0, 0.001)));
        ItemResult served = executor(ProviderRoster.of(List.of(down, secondary), new BuiltinProvider()),
                InstantSource.fixed(NOW)).execute(item(null, null));
        assertThat(served.servedBy().provider()).isEqualTo("secondary");
        assertThat(served.servedBy().model()).isEqualTo("secondary-model");
        assertThat(served.usage().inputTokens()).isEqualTo(10);

        ItemResult degraded = executor(ProviderRoster.of(List.of(down), new BuiltinProvider()),
                InstantSource.fixed(NOW)).execute(item(null, null));
        assertThat(degraded.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(degraded.servedBy().provider()).isEqualTo("builtin");
        assertThat(degraded.servedBy().degraded()).isTrue();
        assertThat(registry.get("athena.provider.failovers").tag("from", "primary").counter().count()).isEqualTo(2.0);
    }

    @Test
    void shouldFailItemWhenProviderAnswerBreaksTheContract() {
        Provider garbled = provider("primary", call -> {
            throw new FatalProviderException("primary", FatalProviderException.Kind.CONTRACT,
                    "the answer held no findings JSON");
        });
        ItemResult result = executor(ProviderRoster.of(List.of(garbled), new BuiltinProvider()),
                InstantSource.fixed(NOW)).execute(item(null, null));
        assertThat(result.status()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.error().code()).isEqualTo("PROVIDER_CONTRACT");
        assertThat(result.error().message()).isEqualTo("primary: the answer held no findings JSON");
    }

    @Test
    void shouldExpireWhenProviderStallsPastTheDeadline() {
        Provider stalls = stalling("primary");
        InstantSource clock = InstantSource.system();
        ItemResult result = executor(ProviderRoster.of(List.of(stalls), new BuiltinProvider()), clock)
                .execute(item("primary", clock.instant().plusMillis(300)));
        assertThat(result.status()).isEqualTo(ResultStatus.EXPIRED);
        assertThat(result.error().message()).contains("primary: no answer before the deadline");
    }

    @Test
    void shouldLeaveTimeForTheNextProviderWhenPrimaryStalls() {
        Provider stalls = stalling("primary");
        Provider answers = provider("secondary", call -> new ProviderAnswer(List.of(), null, call.model(), null));
        ItemExecutor executor = new ItemExecutor(ProviderRoster.of(List.of(stalls, answers), new BuiltinProvider()),
                InstantSource.system(), Duration.ofSeconds(6), threads, new WorkerMetrics(registry));
        ItemResult result = executor.execute(item(null, null));
        assertThat(result.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(result.servedBy().provider()).isEqualTo("secondary");
    }

    @Test
    void shouldShareTheRemainingTimeAmongRemoteProvidersOnly() {
        Provider a = provider("a", call -> null);
        Provider b = provider("b", call -> null);
        List<Attempt> chain = List.of(new Attempt(a, "m", false), new Attempt(b, "m", false),
                new Attempt(new BuiltinProvider(), "rules-1", true));
        assertThat(ItemExecutor.budget(chain, 0, Duration.ofSeconds(22))).isEqualTo(Duration.ofSeconds(10));
        assertThat(ItemExecutor.budget(chain, 1, Duration.ofSeconds(12))).isEqualTo(Duration.ofSeconds(10));
        assertThat(ItemExecutor.budget(chain, 2, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldDegradeNamedProviderThatIsNotConfigured() {
        ItemResult result = executor(ProviderRoster.builtinOnly(), InstantSource.fixed(NOW))
                .execute(item("anthropic", null));
        assertThat(result.servedBy().provider()).isEqualTo("builtin");
        assertThat(result.servedBy().degraded()).isTrue();
    }

    @Test
    void shouldTagProviderCallsWithTheConfiguredModelOrOtherNeverTheClientsFreeText() {
        Provider primary = provider("primary", call -> new ProviderAnswer(List.of(), null, call.model(), null));
        ItemExecutor executor = executor(ProviderRoster.of(List.of(primary), new BuiltinProvider()),
                InstantSource.fixed(NOW));
        for (int i = 0; i < 50; i++) {
            executor.execute(itemFor("primary", "client-model-" + i));
        }
        executor.execute(itemFor("primary", null));         // auto: the configured model
        executor.execute(itemFor("primary", "primary-model")); // named, and it is the configured one

        assertThat(registry.find(WorkerMetrics.PROVIDER_CALLS).counters())
                .extracting(c -> c.getId().getTag("model")).containsExactlyInAnyOrder("primary-model", "other");
        assertThat(registry.get(WorkerMetrics.PROVIDER_CALLS).tag("model", "other").counter().count())
                .isEqualTo(50.0);
        assertThat(registry.find(WorkerMetrics.PROVIDER_LATENCY).timers()).hasSize(2);
    }

    private static BatchItem itemFor(String provider, String model) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r1", "c1", AnalysisType.SECURITY,
                "python", "a.py", "x = eval(s)\n", provider, model, Lane.INTERACTIVE, Map.of(), null, null, null,
                null);
        return new BatchItem("analysis:k", request, List.of(new Requester("r1", "c1", null, null)));
    }

    /**
     * A provider that streamed part of its answer and then ran out of its share of the time: the client already
     * has that part, so another provider's answer must not follow it as if it continued it, and nothing more of
     * the abandoned call may reach the client.
     */
    @Test
    void shouldEndAStreamedItemCutWhenItsProviderRunsOutOfTimeAfterStreamingAndLetNothingMoreThrough() {
        java.util.List<String> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch abandoned = new java.util.concurrent.CountDownLatch(1);
        Provider cutOff = provider("anthropic", call -> {
            call.deltas().accept("A-PARTIAL ");
            try {
                Thread.sleep(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                // what a cancelled call may still push out of its buffer
                call.deltas().accept("A-LATE");
                abandoned.countDown();
            }
            throw new IllegalStateException("cancelled");
        });
        Provider next = provider("openai", call -> {
            call.deltas().accept("B-FULL");
            return new ProviderAnswer(List.of(), "b", "openai-model", null);
        });
        ItemExecutor executor = new ItemExecutor(ProviderRoster.of(List.of(cutOff, next), new BuiltinProvider()),
                InstantSource.system(), Duration.ofSeconds(3), threads, new WorkerMetrics(registry),
                (requester, seq, delta, last) -> chunks.add(seq + ":" + delta + (last ? ":end" : "")));
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "r1", "c1", AnalysisType.SECURITY,
                "python", "a.py", "x = 1\n", null, null, Lane.INTERACTIVE, Map.of(), null, true, null, null);

        ItemResult result = executor.execute(new BatchItem("analysis:k", request,
                List.of(new Requester("r1", "c1", null, null))));

        assertThat(result.status()).isEqualTo(ResultStatus.FAILED);
        assertThat(result.error().code()).isEqualTo("PROVIDER_STREAM_CUT");
        assertThat(result.error().message()).startsWith("anthropic: the answer was cut");
        try {
            assertThat(abandoned.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(chunks).containsExactly("0:A-PARTIAL ", "1::end");
    }
}
