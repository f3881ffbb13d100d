package dev.athena.workers.resilience;

import java.time.Duration;

/**
 * Requests and tokens per minute for one provider. {@link #acquire} takes one request and {@code tokens}
 * tokens, waiting at most {@code maxWait}; if the budget does not free up in time it throws a
 * {@code RetriableProviderException} of kind {@code LOCALLY_LIMITED} so that the item fails over instead of
 * queueing past its deadline. {@link #pause} applies what the provider itself said (a 429's reset).
 */
public interface RateLimit {
    void acquire(long tokens, Duration maxWait);

    void pause(Duration duration);

    /** What is left of the budget now, for health reports; empty when this limit cannot tell. */
    default java.util.Optional<LimiterHeadroom> headroom() {
        return java.util.Optional.empty();
    }

    /** No limit: for providers configured without one. */
    RateLimit NONE = new RateLimit() {
        @Override
        public void acquire(long tokens, Duration maxWait) {
        }

        @Override
        public void pause(Duration duration) {
        }
    };
}
