package dev.athena.ingest.gateway;

/**
 * Requests allowed per minute: per API key, per client IP and for all callers together, shared by every gateway
 * instance through Redis; and how many event streams and long polls one client may have open at once on each
 * gateway instance. Zero turns a limit off.
 */
public record RateLimits(long perKeyPerMinute, long perIpPerMinute, long globalPerMinute, int openStreamsPerClient) {
    public static final int DEFAULT_OPEN_STREAMS_PER_CLIENT = 100;

    public RateLimits {
        if (perKeyPerMinute < 0 || perIpPerMinute < 0 || globalPerMinute < 0 || openStreamsPerClient < 0) {
            throw new IllegalArgumentException("rate limits must be >= 0 but were perKey=" + perKeyPerMinute
                    + ", perIp=" + perIpPerMinute + ", global=" + globalPerMinute + ", openStreamsPerClient="
                    + openStreamsPerClient);
        }
    }

    /** The request limits, with the default limit on open streams. */
    public RateLimits(long perKeyPerMinute, long perIpPerMinute, long globalPerMinute) {
        this(perKeyPerMinute, perIpPerMinute, globalPerMinute, DEFAULT_OPEN_STREAMS_PER_CLIENT);
    }

    public static RateLimits ofDefaults() {
        return new RateLimits(600, 1_200, 60_000, DEFAULT_OPEN_STREAMS_PER_CLIENT);
    }

    public static RateLimits off() {
        return new RateLimits(0, 0, 0, 0);
    }
}
