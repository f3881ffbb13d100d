package dev.athena.ingest.gateway;

/**
 * Requests allowed per minute: per API key, per client IP and for all callers together, shared by every gateway
 * instance through Redis. Zero turns a limit off.
 */
public record RateLimits(long perKeyPerMinute, long perIpPerMinute, long globalPerMinute) {
    public RateLimits {
        if (perKeyPerMinute < 0 || perIpPerMinute < 0 || globalPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must be >= 0 but were perKey=" + perKeyPerMinute
                    + ", perIp=" + perIpPerMinute + ", global=" + globalPerMinute);
        }
    }

    public static RateLimits ofDefaults() {
        return new RateLimits(600, 1_200, 60_000);
    }

    public static RateLimits off() {
        return new RateLimits(0, 0, 0);
    }
}
