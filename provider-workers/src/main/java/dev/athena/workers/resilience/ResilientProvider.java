package dev.athena.workers.resilience;

import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.BatchGuard;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.RetriableProviderException;
import dev.athena.workers.provider.vendor.Prompt;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A provider behind its guards, composed in this order (innermost first, as resilience4j's {@code Decorators}
 * would stack them): rate limit, then bulkhead, then circuit breaker, then retry. So every attempt, retries
 * included, spends rate budget and holds a bulkhead slot; the breaker sees each attempt; the retry sees the
 * breaker's refusals and does not retry them. What the guards refuse (our limiter, a full bulkhead, an open
 * breaker) comes out as {@link RetriableProviderException} kinds that the failover moves on from at once.
 *
 * <p>The same guards, minus the retry, stand in front of every HTTP exchange of the provider's batch API
 * ({@link #exchange}): one rate limiter, bulkhead and breaker per provider, whichever way it is called.
 */
public final class ResilientProvider implements Provider, BatchGuard {
    private final Provider delegate;
    private final ProviderPolicy policy;
    private final RateLimit rateLimit;
    private final Bulkhead bulkhead;
    private final CircuitBreaker breaker;
    private final RetryPolicy retry;
    private final Clock clock;
    private final WorkerMetrics metrics;
    private final AtomicInteger queued = new AtomicInteger();

    public ResilientProvider(Provider delegate, ProviderPolicy policy, RateLimit rateLimit, Clock clock,
            Sleeper sleeper, java.util.random.RandomGenerator random, WorkerMetrics metrics) {
        this(delegate, policy, rateLimit, CircuitBreaker.of(delegate.name(), breakerConfig(policy, clock)),
                Bulkhead.of(delegate.name(), bulkheadConfig(policy)), clock, sleeper, random, metrics);
    }

    /** With breaker and bulkhead taken from registries, whose meters are bound to the meter registry. */
    public ResilientProvider(Provider delegate, ProviderPolicy policy, RateLimit rateLimit, CircuitBreaker breaker,
            Bulkhead bulkhead, Clock clock, Sleeper sleeper, java.util.random.RandomGenerator random,
            WorkerMetrics metrics) {
        this.delegate = delegate;
        this.policy = policy;
        this.rateLimit = rateLimit;
        this.clock = clock;
        this.metrics = metrics;
        this.bulkhead = bulkhead;
        this.breaker = breaker;
        this.retry = new RetryPolicy(policy.maxAttempts(), policy.initialBackoff(), policy.maxBackoff(), clock,
                sleeper, random, (provider, kind, wait) -> metrics.retry(provider, kind.name().toLowerCase(java.util.Locale.ROOT)));
        metrics.bulkheadQueued(delegate.name(), queued);
    }

    public static BulkheadConfig bulkheadConfig(ProviderPolicy policy) {
        return BulkheadConfig.custom()
                .maxConcurrentCalls(policy.maxConcurrent())
                .maxWaitDuration(policy.maxQueueWait())
                .build();
    }

    public static CircuitBreakerConfig breakerConfig(ProviderPolicy policy, Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(policy.slidingWindowCalls())
                .minimumNumberOfCalls(policy.minimumCalls())
                .failureRateThreshold(policy.failureRateThreshold())
                .slowCallRateThreshold(policy.slowCallRateThreshold())
                .slowCallDurationThreshold(policy.slowCallDuration())
                .permittedNumberOfCallsInHalfOpenState(policy.halfOpenCalls())
                .waitIntervalFunctionInOpenState(policy.openBackoff().intervalFunction(policy.openWait(),
                        policy.maxOpenWait()))
                .recordException(providerFault())
                .ignoreException(providerFault().negate())
                .clock(clock)
                // call durations (slow-call rate) on the same clock as the open-state wait, so tests drive both
                .currentTimestampFunction(Clock::millis, java.util.concurrent.TimeUnit.MILLISECONDS)
                .build();
    }

    /**
     * Only the provider's own failures count against it; the caller's 4xx, our own refusals and calls we cancelled
     * do not. The breaker asks on the thread of the call, so a call interrupted by its cancellation (whatever
     * error the interrupted read then raised) is recognised by that thread's interrupt status.
     */
    static Predicate<Throwable> providerFault() {
        return e -> Thread.currentThread().isInterrupted() ? false
                : e instanceof RetriableProviderException r ? r.kind().providerFault()
                : e instanceof FatalProviderException f ? f.kind().providerFault()
                : !(e instanceof BulkheadFullException) && e instanceof RuntimeException;
    }

    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    public RateLimit rateLimit() {
        return rateLimit;
    }

    /** Callers waiting for a bulkhead slot right now. */
    public int queued() {
        return queued.get();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String defaultModel() {
        return delegate.defaultModel();
    }

    @Override
    public ProviderAnswer analyse(ProviderCall call) {
        long tokens = Prompt.estimateTokens(call.request()) + delegate.reservedOutputTokens();
        Supplier<ProviderAnswer> attempt = () -> delegate.analyse(call);
        Supplier<ProviderAnswer> limited = () -> {                                        // 1. rate limit
            java.time.Instant asked = clock.instant();
            rateLimit.acquire(tokens, waitBudget(call));
            metrics.limiterWait(name(), Duration.between(asked, clock.instant()));
            return attempt.get();
        };
        Supplier<ProviderAnswer> isolated = queueBounded(Bulkhead.decorateSupplier(bulkhead, limited)); // 2. bulkhead
        Supplier<ProviderAnswer> guarded = CircuitBreaker.decorateSupplier(breaker, isolated);          // 3. breaker
        return retry.execute(() -> typed(guarded), call.deadline());                                   // 4. retry
    }

    /**
     * One exchange with the provider's batch API, behind the same guards as {@link #analyse}, innermost first:
     * rate limit, bulkhead, circuit breaker; no retry. It spends one request of the shared requests-per-minute
     * budget and waits for it at most as long as an item would ({@code maxQueueWait}). It spends none of the
     * tokens-per-minute budget: the providers count batch tokens against a separate batch quota (OpenAI's
     * enqueued tokens, Anthropic's batch queue), not against the per-minute limit this budget mirrors, and one
     * batch holds more tokens than a minute allows, so charging them would stall every synchronous call of the
     * provider for a minute or more without protecting anything. The breaker counts the exchange's failures
     * like an item's, so a provider whose batch API fails opens the breaker for both.
     */
    @Override
    public <T> T exchange(Supplier<T> exchange) {
        Supplier<T> limited = () -> {                                                      // 1. rate limit
            java.time.Instant asked = clock.instant();
            rateLimit.acquire(0, policy.maxQueueWait());
            metrics.limiterWait(name(), Duration.between(asked, clock.instant()));
            return exchange.get();
        };
        Supplier<T> isolated = queueBounded(Bulkhead.decorateSupplier(bulkhead, limited)); // 2. bulkhead
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, isolated);          // 3. breaker
        return refusalsTyped(guarded);                                                     // no retry
    }

    private Duration waitBudget(ProviderCall call) {
        Duration left = Duration.between(clock.instant(), call.deadline());
        return left.compareTo(policy.maxQueueWait()) < 0 ? left : policy.maxQueueWait();
    }

    /** The bulkhead's semaphore waits; this bounds how many may wait at once. */
    private <T> Supplier<T> queueBounded(Supplier<T> inner) {
        return () -> {
            boolean mustWait = bulkhead.getMetrics().getAvailableConcurrentCalls() == 0;
            if (mustWait && queued.get() >= policy.maxQueued()) {
                throw BulkheadFullException.createBulkheadFullException(bulkhead);
            }
            if (mustWait) {
                queued.incrementAndGet();
            }
            try {
                return inner.get();
            } finally {
                if (mustWait) {
                    queued.decrementAndGet();
                }
            }
        };
    }

    /** Guards' refusals as the contract's kinds; a provider's rate limit slows every instance down. */
    private ProviderAnswer typed(Supplier<ProviderAnswer> guarded) {
        ProviderAnswer answer = refusalsTyped(guarded);
        metrics.usage(this, answer.model(), answer.usage());
        return answer;
    }

    /**
     * A full bulkhead and an open breaker as the contract's kinds; our own refusals counted; a provider's rate
     * limit slows every instance down.
     */
    private <T> T refusalsTyped(Supplier<T> guarded) {
        try {
            return guarded.get();
        } catch (BulkheadFullException e) {
            metrics.limiterRejection(name());
            throw new RetriableProviderException(name(), RetriableProviderException.Kind.LOCALLY_LIMITED, 0,
                    "all " + policy.maxConcurrent() + " slots busy and the queue is full");
        } catch (CallNotPermittedException e) {
            throw new RetriableProviderException(name(), RetriableProviderException.Kind.CIRCUIT_OPEN, 0,
                    "circuit breaker open");
        } catch (RetriableProviderException e) {
            if (e.kind() == RetriableProviderException.Kind.LOCALLY_LIMITED) {
                metrics.limiterRejection(name());
            }
            // the provider's own Retry-After, from an item call or a batch-API exchange alike
            if (e.kind() == RetriableProviderException.Kind.RATE_LIMITED && e.retryAfter().isPresent()) {
                rateLimit.pause(e.retryAfter().get());
            }
            throw e;
        }
    }
}
