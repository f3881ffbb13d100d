package dev.athena.workers.provider.spi;

/**
 * Repeating the same call cannot help. Whether another provider may help depends on the kind: an exhausted
 * quota or a rejected key are this provider's trouble and fail over; invalid input is the request's own and
 * an unreadable answer is reported as such.
 */
public final class FatalProviderException extends ProviderException {
    /** Why the attempt failed for good. */
    public enum Kind {
        /** The request itself was refused (HTTP 400, 413, 422): the caller's fault, never a breaker failure. */
        INVALID_INPUT(false, false),
        /** The key was refused (HTTP 401, 403). */
        AUTH(true, true),
        /** A 429 that says the account's quota or spend limit is used up: waiting does not help. */
        QUOTA_EXHAUSTED(true, true),
        /** The answer broke the wire or findings contract (unparseable JSON): the item fails and says why. */
        CONTRACT(false, true),
        /**
         * A stream broke after text had already been passed on to the client: another provider's answer would not
         * continue it, so the item ends and says it was cut instead of being silently truncated.
         */
        STREAM_CUT(false, true),
        /** The provider does not serve the requested model. */
        UNSUPPORTED(true, false);

        private final boolean failover;
        private final boolean providerFault;

        Kind(boolean failover, boolean providerFault) {
            this.failover = failover;
            this.providerFault = providerFault;
        }

        /** Another provider may answer where this one could not. */
        public boolean failover() {
            return failover;
        }

        /** The provider, not the caller, is at fault: counts against its circuit breaker. */
        public boolean providerFault() {
            return providerFault;
        }
    }

    private final Kind kind;

    public FatalProviderException(String provider, Kind kind, String message, Throwable cause) {
        super(provider, "PROVIDER_" + kind.name(), message, cause);
        this.kind = kind;
    }

    public FatalProviderException(String provider, Kind kind, String message) {
        this(provider, kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
