package dev.athena.workers.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.StubProvider;
import dev.athena.workers.provider.spi.RetriableProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ResiliencePoliciesTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);

    private RetryPolicy retry(int attempts) {
        return new RetryPolicy(attempts, Duration.ofMillis(400), Duration.ofSeconds(10), clock, clock.sleeper,
                new SplittableRandom(42), RetryPolicy.RetryListener.NONE);
    }

    private static RetriableProviderException overloaded() {
        return new RetriableProviderException("p", RetriableProviderException.Kind.OVERLOADED, 529, "overloaded");
    }

    private static Supplier<String> failing(AtomicInteger calls, int failures, Supplier<RuntimeException> error) {
        return () -> {
            if (calls.incrementAndGet() <= failures) {
                throw error.get();
            }
            return "ok";
        };
    }

    @Test
    void shouldRetryWithJitteredExponentialBackoff() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(retry(4).execute(failing(calls, 3, ResiliencePoliciesTest::overloaded), T0.plusSeconds(60)))
                .isEqualTo("ok");
        assertThat(calls).hasValue(4);
        assertThat(clock.sleeps).hasSize(3);
        long[][] bounds = {{200, 400}, {400, 800}, {800, 1600}};
        for (int i = 0; i < 3; i++) {
            assertThat(clock.sleeps.get(i).toMillis()).isBetween(bounds[i][0], bounds[i][1]);
        }
    }

    @Test
    void shouldHonourRetryAfterOnEveryAttempt() {
        AtomicInteger calls = new AtomicInteger();
        Supplier<RuntimeException> limited = () -> new RetriableProviderException("p",
                RetriableProviderException.Kind.RATE_LIMITED, 429, Duration.ofSeconds(3), "429", null);
        retry(3).execute(failing(calls, 2, limited), T0.plusSeconds(60));
        assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void shouldNeverRetryQuotaExhaustionOrOwnRefusals() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry(5).execute(failing(calls, 9, () -> new FatalProviderException("p",
                FatalProviderException.Kind.QUOTA_EXHAUSTED, "insufficient_quota")), T0.plusSeconds(60)))
                .isInstanceOf(FatalProviderException.class);
        assertThat(calls).hasValue(1);
        AtomicInteger open = new AtomicInteger();
        assertThatThrownBy(() -> retry(5).execute(failing(open, 9, () -> new RetriableProviderException("p",
                RetriableProviderException.Kind.CIRCUIT_OPEN, 0, "open")), T0.plusSeconds(60)))
                .isInstanceOf(RetriableProviderException.class);
        assertThat(open).hasValue(1);
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void shouldGiveUpWhenTheWaitWouldPassTheDeadline() {
        AtomicInteger calls = new AtomicInteger();
        Supplier<RuntimeException> limited = () -> new RetriableProviderException("p",
                RetriableProviderException.Kind.RATE_LIMITED, 429, Duration.ofSeconds(30), "429", null);
        assertThatThrownBy(() -> retry(5).execute(failing(calls, 9, limited), T0.plusSeconds(10)))
                .isInstanceOf(RetriableProviderException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldLimitRequestsAndTokensPerMinuteWithInjectedClock() {
        LocalRateLimit limit = new LocalRateLimit("p", 2, 1000, clock, clock.sleeper);
        limit.acquire(100, Duration.ZERO);
        limit.acquire(100, Duration.ZERO);
        assertThatThrownBy(() -> limit.acquire(100, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(RetriableProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.LOCALLY_LIMITED));
        limit.acquire(100, Duration.ofSeconds(30));
        assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(30));
        clock.advance(Duration.ofMinutes(1));
        // tokens: 900 tokens at 1000/min after a full refill leaves 100; the next 500 waits 24 s
        limit.acquire(900, Duration.ZERO);
        limit.acquire(500, Duration.ofMinutes(1));
        assertThat(clock.sleeps.getLast()).isEqualTo(Duration.ofSeconds(24));
    }

    @Test
    void shouldPauseForWhatTheProviderSaid() {
        LocalRateLimit limit = new LocalRateLimit("p", 100, 100_000, clock, clock.sleeper);
        limit.pause(Duration.ofSeconds(7));
        limit.acquire(1, Duration.ofSeconds(10));
        assertThat(clock.sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void shouldOpenBreakerOnProviderFailuresOnlyAndProbeAfterTheWait() {
        Deque<RuntimeException> script = new ArrayDeque<>();
        AtomicInteger calls = new AtomicInteger();
        Provider scripted = new StubProvider("p", "m", call -> {
            calls.incrementAndGet();
            RuntimeException next = script.poll();
            if (next != null) {
                throw next;
            }
            return new ProviderAnswer(List.of(), null, "m", null);
        });
        ProviderPolicy policy = ProviderPolicy.of(1000, 1_000_000, 4).withRetry(1, Duration.ZERO, Duration.ZERO)
                .withBreaker(4, 4, Duration.ofSeconds(10), Backoff.EXPONENTIAL);
        ResilientProvider guarded = new ResilientProvider(scripted, policy, RateLimit.NONE, clock, clock.sleeper,
                new SplittableRandom(1), new WorkerMetrics(new SimpleMeterRegistry()));
        ProviderCall call = new ProviderCall(AnalysisRequest.of("r", "c", AnalysisType.SECURITY, "x"), "m",
                T0.plusSeconds(3600), null);
        for (int i = 0; i < 4; i++) {
            script.add(new FatalProviderException("p", FatalProviderException.Kind.INVALID_INPUT, "400"));
        }
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> guarded.analyse(call)).isInstanceOf(FatalProviderException.class);
        }
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        for (int i = 0; i < 4; i++) {
            script.add(overloaded());
        }
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> guarded.analyse(call)).isInstanceOf(RetriableProviderException.class);
        }
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int before = calls.get();
        assertThatThrownBy(() -> guarded.analyse(call)).isInstanceOfSatisfying(RetriableProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.CIRCUIT_OPEN));
        assertThat(calls.get()).isEqualTo(before);
        clock.advance(Duration.ofSeconds(11));
        assertThat(guarded.analyse(call).model()).isEqualTo("m");
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    /**
     * Calls we ended (cancelled at an item's deadline or a revocation, or cut to a request's deadline) are not the
     * provider's failures: a run of them leaves a healthy provider's breaker closed; its own timeouts still count.
     */
    @Test
    void shouldNotCountCallsWeCutShortAgainstTheProvider() {
        Deque<Runnable> script = new ArrayDeque<>();
        Provider scripted = new StubProvider("p", "m", call -> {
            Runnable next = script.poll();
            if (next != null) {
                next.run();
            }
            return new ProviderAnswer(List.of(), null, "m", null);
        });
        ResilientProvider guarded = guarded(scripted, ProviderPolicy.of(1000, 1_000_000, 4)
                .withRetry(1, Duration.ZERO, Duration.ZERO)
                .withBreaker(4, 4, Duration.ofSeconds(10), Backoff.EXPONENTIAL));
        ProviderCall call = call();
        for (int i = 0; i < 6; i++) {
            script.add(() -> {
                throw new RetriableProviderException("p", RetriableProviderException.Kind.CUT_SHORT, 0, "deadline");
            });
            // cancelled while reading: whatever the interrupted read raised, the thread is interrupted
            script.add(() -> {
                Thread.currentThread().interrupt();
                throw new RetriableProviderException("p", RetriableProviderException.Kind.TIMEOUT, 0, "read");
            });
        }
        for (int i = 0; i < 12; i++) {
            assertThatThrownBy(() -> guarded.analyse(call)).isInstanceOf(RetriableProviderException.class);
            Thread.interrupted();
        }
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);

        for (int i = 0; i < 4; i++) {
            script.add(() -> {
                throw new RetriableProviderException("p", RetriableProviderException.Kind.TIMEOUT, 0, "slow");
            });
        }
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> guarded.analyse(call)).isInstanceOf(RetriableProviderException.class);
        }
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    @Test
    void shouldGrowOpenWaitByTheConfiguredBackoff() {
        Duration base = Duration.ofSeconds(2);
        Duration max = Duration.ofMinutes(1);
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(n -> Backoff.LINEAR.delay(base, n, max).toSeconds()))
                .containsExactly(2L, 4L, 6L, 8L, 10L);
        assertThat(List.of(1, 2, 3, 4, 5).stream().map(n -> Backoff.EXPONENTIAL.delay(base, n, max).toSeconds()))
                .containsExactly(2L, 4L, 8L, 16L, 32L);
        assertThat(List.of(1, 2, 3, 4, 5, 6).stream().map(n -> Backoff.FIBONACCI.delay(base, n, max).toSeconds()))
                .containsExactly(2L, 2L, 4L, 6L, 10L, 16L);
        assertThat(Backoff.EXPONENTIAL.delay(base, 10, max)).isEqualTo(max);
    }

    /** A provider whose calls take {@code took} on the test clock and then end as {@code outcome} says. */
    private Provider timed(java.util.function.Supplier<Duration> took, Supplier<RuntimeException> outcome) {
        return new StubProvider("p", "m", call -> {
            clock.advance(took.get());
            RuntimeException e = outcome.get();
            if (e != null) {
                throw e;
            }
            return new ProviderAnswer(List.of(), null, "m", null);
        });
    }

    private ResilientProvider guarded(Provider p, ProviderPolicy policy) {
        return new ResilientProvider(p, policy, RateLimit.NONE, clock, clock.sleeper, new SplittableRandom(1),
                new WorkerMetrics(new SimpleMeterRegistry()));
    }

    private static ProviderCall call() {
        return new ProviderCall(AnalysisRequest.of("r", "c", AnalysisType.SECURITY, "x"), "m", T0.plusSeconds(86_400),
                null);
    }

    @Test
    void shouldOpenBreakerWhenCallsAreSlowOnTheInjectedClock() {
        AtomicInteger seconds = new AtomicInteger(29);
        ProviderPolicy policy = ProviderPolicy.of(1000, 1_000_000, 4).withRetry(1, Duration.ZERO, Duration.ZERO)
                .withBreaker(4, 4, Duration.ofSeconds(10), Backoff.EXPONENTIAL); // slow: over 30 s, at 80 %
        ResilientProvider guarded = guarded(timed(() -> Duration.ofSeconds(seconds.get()), () -> null), policy);
        for (int i = 0; i < 4; i++) {
            guarded.analyse(call());
        }
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(guarded.circuitBreaker().getMetrics().getSlowCallRate()).isZero();
        seconds.set(31);
        for (int i = 0; i < 3; i++) {
            guarded.analyse(call());
        }
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED); // 3 of 4: 75 %
        guarded.analyse(call());
        assertThat(guarded.circuitBreaker().getMetrics().getSlowCallRate()).isEqualTo(100f);
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> guarded.analyse(call())).isInstanceOfSatisfying(RetriableProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.CIRCUIT_OPEN));
    }

    /** Seconds the breaker stayed open after each of three openings, the probes in between failing. */
    private List<Long> openWaits(Backoff backoff) {
        ProviderPolicy policy = ProviderPolicy.of(1000, 1_000_000, 4).withRetry(1, Duration.ZERO, Duration.ZERO)
                .withBreaker(2, 2, Duration.ofSeconds(10), Backoff.EXPONENTIAL)
                .withOpenWait(Duration.ofSeconds(10), Duration.ofMinutes(5), backoff);
        ResilientProvider guarded = guarded(timed(() -> Duration.ZERO, ResiliencePoliciesTest::overloaded), policy);
        java.util.function.Predicate<RetriableProviderException.Kind> attempt = kind -> {
            try {
                guarded.analyse(call());
                return false;
            } catch (RetriableProviderException e) {
                return e.kind() == kind;
            }
        };
        attempt.test(RetriableProviderException.Kind.OVERLOADED);
        attempt.test(RetriableProviderException.Kind.OVERLOADED);
        List<Long> waits = new java.util.ArrayList<>();
        for (int opening = 0; opening < 3; opening++) {
            assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
            Instant opened = clock.instant();
            while (attempt.test(RetriableProviderException.Kind.CIRCUIT_OPEN)) {
                clock.advance(Duration.ofSeconds(1));
            }
            waits.add(Duration.between(opened, clock.instant()).toSeconds());
            attempt.test(RetriableProviderException.Kind.OVERLOADED); // the other half-open probes fail too
            attempt.test(RetriableProviderException.Kind.OVERLOADED);
        }
        return waits;
    }

    @Test
    void shouldStayOpenLongerEachTimeByTheConfiguredBackoff() {
        // a probe is let through once the wait has fully passed: at most one 1 s step after it
        assertWaits(openWaits(Backoff.LINEAR), 10, 20, 30);
        assertWaits(openWaits(Backoff.EXPONENTIAL), 10, 20, 40);
        assertWaits(openWaits(Backoff.FIBONACCI), 10, 10, 20);
    }

    private static void assertWaits(List<Long> actual, long... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual.get(i)).as("wait %d of %s", i + 1, actual).isBetween(expected[i], expected[i] + 1);
        }
    }

    @Test
    void shouldReadTheOpenStateBackoffPerProviderFromTheEnvironment() {
        var catalog = dev.athena.workers.config.ProviderCatalog.fromEnvironment(java.util.Map.of(
                "OPENAI_API_KEY", "k", "ANTHROPIC_API_KEY", "a",
                "ATHENA_OPENAI_BREAKER_BACKOFF", "Fibonacci", "ATHENA_OPENAI_BREAKER_OPEN_WAIT_MS", "2000",
                "ATHENA_OPENAI_BREAKER_MAX_OPEN_WAIT_MS", "60000"));
        ProviderPolicy openai = catalog.providers().stream().filter(p -> p.name().equals("openai")).findFirst()
                .orElseThrow().policy();
        assertThat(openai.openBackoff()).isEqualTo(Backoff.FIBONACCI);
        assertThat(openai.openWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(openai.maxOpenWait()).isEqualTo(Duration.ofMinutes(1));
        ProviderPolicy anthropic = catalog.providers().getFirst().policy();
        assertThat(anthropic.openBackoff()).isEqualTo(Backoff.EXPONENTIAL);
        assertThat(anthropic.openWait()).isEqualTo(Duration.ofSeconds(10));
        // the configured curve is the breaker's: 2 s, 2 s, 4 s, 6 s ... capped at a minute
        var waits = ResilientProvider.breakerConfig(openai, clock).getWaitIntervalFunctionInOpenState();
        assertThat(List.of(1, 2, 3, 4, 20).stream().map(waits::apply))
                .containsExactly(2_000L, 2_000L, 4_000L, 6_000L, 60_000L);
        assertThatThrownBy(() -> dev.athena.workers.config.ProviderCatalog.fromEnvironment(java.util.Map.of(
                "OPENAI_API_KEY", "k", "ATHENA_OPENAI_BREAKER_BACKOFF", "random")))
                .hasMessageContaining("ATHENA_OPENAI_BREAKER_BACKOFF").hasMessageContaining("but was 'random'");
    }

    @Test
    void shouldTagUsageWithTheConfiguredModelOrOther() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // providers answer with a dated snapshot of the model asked for
        Provider dated = new StubProvider("p", "p-large", call -> new ProviderAnswer(List.of(), null,
                call.model() + "-20250929", new dev.athena.schemas.message.Usage(10, 5, 0, 0.01)));
        ResilientProvider guarded = new ResilientProvider(dated, ProviderPolicy.of(1000, 1_000_000, 4), RateLimit.NONE,
                clock, clock.sleeper, new SplittableRandom(1), new WorkerMetrics(registry));
        for (String model : List.of("p-large", "p-large", "anything-a-client-types", "another-one")) {
            guarded.analyse(new ProviderCall(AnalysisRequest.of("r", "c", AnalysisType.SECURITY, "x"), model,
                    T0.plusSeconds(3600), null));
        }

        assertThat(registry.find(WorkerMetrics.TOKENS).tag("direction", "input").counters())
                .extracting(c -> c.getId().getTag("model")).containsExactlyInAnyOrder("p-large", "other");
        assertThat(registry.get(WorkerMetrics.TOKENS).tag("direction", "input").tag("model", "p-large").counter()
                .count()).isEqualTo(20.0);
        assertThat(registry.find(WorkerMetrics.COST).counters()).hasSize(2);
    }
}
