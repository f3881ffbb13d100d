package dev.athena.workers.provider.spi;

import java.util.function.Supplier;

/**
 * What every HTTP exchange of a provider's batch API passes through: that provider's own guards (its shared rate
 * limit, its bulkhead, its circuit breaker), so the batch API and the per-item calls spend one budget, share one
 * set of connection slots and trip one breaker. An exchange the guards refuse is not made; the refusal comes out
 * as a {@link RetriableProviderException} of kind {@code LOCALLY_LIMITED} or {@code CIRCUIT_OPEN}. Never retried
 * here: a submit made twice is a second provider batch, and a poll is asked again at the next interval anyway.
 * Called from any thread.
 */
public interface BatchGuard {
    /** No guards: for tests of the wire format only. */
    BatchGuard NONE = new BatchGuard() {
        @Override
        public <T> T exchange(Supplier<T> exchange) {
            return exchange.get();
        }
    };

    /** Makes {@code exchange} (one HTTP request and the reading of its body) if the guards let it through. */
    <T> T exchange(Supplier<T> exchange);
}
