package dev.athena.workers.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.StubProvider;
import dev.athena.workers.provider.spi.RetriableProviderException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Exchanges with a provider's batch API pass the same limiter, bulkhead and breaker as its per-item calls. */
class BatchApiGuardsTest {
    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final AtomicInteger exchanges = new AtomicInteger();

    private ResilientProvider guarded(Provider provider, ProviderPolicy policy, RateLimit limit) {
        return new ResilientProvider(provider, policy, limit, clock, clock.sleeper, new SplittableRandom(1),
                new WorkerMetrics(new SimpleMeterRegistry()));
    }

    private static Provider provider(Supplier<ProviderAnswer> answer) {
        return new StubProvider("p", "m", call -> answer.get());
    }

    private String counted() {
        exchanges.incrementAndGet();
        return "ok";
    }

    private static RetriableProviderException.Kind refusal(Runnable call) {
        try {
            call.run();
        } catch (RetriableProviderException e) {
            return e.kind();
        }
        throw new AssertionError("the exchange was let through");
    }

    @Test
    void shouldSpendOneRequestButNoTokensOfTheSharedBudgetPerExchangeAndRefuseWhenTheRequestsAreGone() {
        LocalRateLimit limit = new LocalRateLimit("p", 2, 1_000, clock, clock.sleeper);
        ResilientProvider guarded = guarded(provider(() -> null), ProviderPolicy.of(2, 1_000, 4), limit);

        assertThat(guarded.exchange(this::counted)).isEqualTo("ok");
        assertThat(guarded.exchange(this::counted)).isEqualTo("ok");
        assertThat(limit.headroom().orElseThrow().tokensRemaining()).isEqualTo(1_000);

        // the next request frees up in 30 s, longer than an item would wait (10 s): refused, nothing sent
        assertThat(refusal(() -> guarded.exchange(this::counted)))
                .isEqualTo(RetriableProviderException.Kind.LOCALLY_LIMITED);
        assertThat(exchanges).hasValue(2);
        assertThat(clock.sleeps).isEmpty();

        clock.advance(Duration.ofSeconds(30));
        assertThat(guarded.exchange(this::counted)).isEqualTo("ok");
        assertThat(exchanges).hasValue(3);
    }

    @Test
    void shouldCountExchangeFailuresAgainstTheBreakerAndRefuseWithoutSendingWhileItIsOpen() {
        ProviderPolicy policy = ProviderPolicy.of(1_000, 1_000_000, 4).withRetry(1, Duration.ZERO, Duration.ZERO)
                .withBreaker(4, 2, Duration.ofSeconds(10), Backoff.EXPONENTIAL);
        ResilientProvider guarded = guarded(provider(() -> null), policy, RateLimit.NONE);
        Supplier<String> failing = () -> {
            exchanges.incrementAndGet();
            throw new RetriableProviderException("p", RetriableProviderException.Kind.SERVER_ERROR, 500, "500");
        };

        assertThatThrownBy(() -> guarded.exchange(failing)).isInstanceOf(RetriableProviderException.class);
        assertThatThrownBy(() -> guarded.exchange(failing)).isInstanceOf(RetriableProviderException.class);
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);

        assertThat(refusal(() -> guarded.exchange(this::counted)))
                .isEqualTo(RetriableProviderException.Kind.CIRCUIT_OPEN);
        assertThat(exchanges).hasValue(2);
        // the per-item calls see the same breaker
        assertThat(refusal(() -> guarded.analyse(call()))).isEqualTo(RetriableProviderException.Kind.CIRCUIT_OPEN);

        clock.advance(Duration.ofSeconds(11)); // past the open-state wait: a probe goes through
        assertThat(guarded.exchange(this::counted)).isEqualTo("ok");
        assertThat(guarded.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }

    @Test
    void shouldRefuseAnExchangeWhileTheItemCallsHoldEveryBulkheadSlot() throws Exception {
        ProviderPolicy policy = new ProviderPolicy(1_000, 1_000_000, 1, 0, Duration.ofSeconds(10), 50f, 80f,
                Duration.ofSeconds(30), 20, 10, Duration.ofSeconds(10), Duration.ofMinutes(5), Backoff.EXPONENTIAL, 3,
                1, Duration.ZERO, Duration.ZERO);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ResilientProvider guarded = guarded(provider(() -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new ProviderAnswer(List.of(), "ok", "m", null);
        }), policy, RateLimit.NONE);
        Thread item = Thread.ofVirtual().name("test-item-call").start(() -> guarded.analyse(call()));
        try {
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(refusal(() -> guarded.exchange(this::counted)))
                    .isEqualTo(RetriableProviderException.Kind.LOCALLY_LIMITED);
            assertThat(exchanges).hasValue(0);
        } finally {
            release.countDown();
            item.join(10_000);
        }
        assertThat(guarded.exchange(this::counted)).isEqualTo("ok");
    }

    private ProviderCall call() {
        AnalysisRequest request = new AnalysisRequest(1, "r1", "c1", AnalysisType.QUALITY, "python", "a.py", "x = 1\n",
                null, null, null, java.util.Map.of(), null, null, null, null);
        return new ProviderCall(request, "m", T0.plusSeconds(60), ProviderCall.DeltaSink.NONE);
    }
}
