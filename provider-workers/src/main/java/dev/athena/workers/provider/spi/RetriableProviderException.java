package dev.athena.workers.provider.spi;

import java.time.Duration;
import java.util.Optional;

/** The same call may succeed later: timeouts, resets, 429, 5xx, 529, an overload error inside a stream. */
public final class RetriableProviderException extends ProviderException {
    /** Why the attempt failed; decides metrics, whether it is retried here and whether the breaker counts it. */
    public enum Kind {
        TIMEOUT, CONNECTION, RATE_LIMITED, SERVER_ERROR, OVERLOADED,
        /** Our own rate limiter or bulkhead said no: move on to the next provider, do not wait here. */
        LOCALLY_LIMITED,
        /** The provider's circuit breaker is open: move on to the next provider. */
        CIRCUIT_OPEN,
        /**
         * We stopped waiting, not the provider: the call was cancelled (its item's time was up, its partition
         * given up) or its timeout was cut short to fit the request's deadline. Counting it against the provider
         * would open a healthy provider's breaker after every rebalance or run of tight deadlines.
         */
        CUT_SHORT;

        /** Worth another attempt at the same provider (the others fail over at once). */
        public boolean retriedHere() {
            return this != LOCALLY_LIMITED && this != CIRCUIT_OPEN && this != CUT_SHORT;
        }

        /** The provider's own trouble, counted by its circuit breaker. */
        public boolean providerFault() {
            return this != LOCALLY_LIMITED && this != CIRCUIT_OPEN && this != CUT_SHORT;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public RetriableProviderException(String provider, Kind kind, int status, Duration retryAfter, String message,
            Throwable cause) {
        super(provider, "PROVIDER_" + kind.name(), message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public RetriableProviderException(String provider, Kind kind, int status, String message) {
        this(provider, kind, status, null, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when there was none (timeout, reset). */
    public int status() {
        return status;
    }

    /** How long the provider asked us to wait, when it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
