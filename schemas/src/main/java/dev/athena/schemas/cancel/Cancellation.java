package dev.athena.schemas.cancel;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client's request to cancel one of its requests is recorded for the provider workers: a Redis string at
 * {@link #key} (the gateway writes it, the workers read it before they ask a provider), kept for {@link #TTL}, as
 * long as the collector remembers a request id. Redis is shared state, not the source of truth: with Redis away a
 * cancellation cannot be recorded or is not seen, and the request simply gets its usual result.
 */
public final class Cancellation {
    public static final String PREFIX = "athena:cancelled:";
    public static final Duration TTL = Duration.ofHours(24);

    private Cancellation() {
    }

    /** Request ids are each client's own, so the key names both. */
    public static String key(String clientId, String requestId) {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(requestId, "requestId");
        return PREFIX + clientId + "/" + requestId;
    }
}
