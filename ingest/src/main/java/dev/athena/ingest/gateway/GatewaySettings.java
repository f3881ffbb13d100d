package dev.athena.ingest.gateway;

import dev.athena.ingest.MaskedUrls;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the gateway needs, bound once at the edge. {@code adminKey} null disables the bootstrap admin key;
 * {@code keyHashSecret} null means the secret is created once in PostgreSQL and shared by every instance.
 * {@code toString} never prints secrets.
 */
public record GatewaySettings(String bootstrap, String redisUrl, String jdbcUrl, String dbUser, String dbPassword,
        String bindHost, int port, String adminKey, List<String> corsOrigins, String keyHashSecret,
        int maxBodyBytes, Duration maxWait, RateLimits rateLimits) {
    public static final int MIN_ADMIN_KEY_CHARS = 32;
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public GatewaySettings {
        Objects.requireNonNull(bootstrap, "bootstrap");
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        bindHost = bindHost == null || bindHost.isBlank() ? "127.0.0.1" : bindHost;
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535 but was " + port);
        }
        if (adminKey != null && adminKey.length() < MIN_ADMIN_KEY_CHARS) {
            throw new IllegalArgumentException("the admin key (ATHENA_ADMIN_KEY) must be at least "
                    + MIN_ADMIN_KEY_CHARS + " characters but was " + adminKey.length());
        }
        if (keyHashSecret != null && keyHashSecret.length() < 32) {
            throw new IllegalArgumentException("keyHashSecret must be at least 32 characters but was "
                    + keyHashSecret.length());
        }
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1024 but was " + maxBodyBytes);
        }
        maxWait = maxWait == null ? Duration.ofSeconds(60) : maxWait;
        if (maxWait.isNegative() || maxWait.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("maxWait must be 0..5 minutes but was " + maxWait);
        }
        rateLimits = rateLimits == null ? RateLimits.ofDefaults() : rateLimits;
    }

    public static GatewaySettings defaults(String bootstrap, String redisUrl, String jdbcUrl, String dbUser,
            String dbPassword, int port) {
        return new GatewaySettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, "127.0.0.1", port, null,
                List.of(), null, DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(60), RateLimits.ofDefaults());
    }

    /**
     * These endpoints plus what a deployment sets in its environment: ATHENA_HTTP_HOST, ATHENA_ADMIN_KEY,
     * ATHENA_CORS_ORIGINS (comma-separated), ATHENA_KEY_HASH_SECRET, ATHENA_RATE_LIMIT_PER_KEY / _PER_IP /
     * _GLOBAL (per minute, 0 = off) and ATHENA_MAX_OPEN_STREAMS_PER_CLIENT (event streams and long polls open at
     * once per client and instance, 0 = no limit). Used alike by the gateway alone and by the all-in-one launcher.
     */
    public static GatewaySettings fromEnvironment(java.util.Map<String, String> env, String bootstrap,
            String redisUrl, String jdbcUrl, String dbUser, String dbPassword, int port) {
        GatewaySettings defaults = defaults(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, port);
        List<String> cors = java.util.Arrays.stream(env.getOrDefault("ATHENA_CORS_ORIGINS", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        RateLimits limits = new RateLimits(
                limit(env, "ATHENA_RATE_LIMIT_PER_KEY", defaults.rateLimits().perKeyPerMinute()),
                limit(env, "ATHENA_RATE_LIMIT_PER_IP", defaults.rateLimits().perIpPerMinute()),
                limit(env, "ATHENA_RATE_LIMIT_GLOBAL", defaults.rateLimits().globalPerMinute()),
                openStreams(env, defaults.rateLimits().openStreamsPerClient()));
        String host = env.getOrDefault("ATHENA_HTTP_HOST", "");
        return new GatewaySettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword,
                host.isBlank() ? defaults.bindHost() : host, port, blankToNull(env.get("ATHENA_ADMIN_KEY")), cors,
                blankToNull(env.get("ATHENA_KEY_HASH_SECRET")), defaults.maxBodyBytes(), defaults.maxWait(), limits);
    }

    private static long limit(java.util.Map<String, String> env, String name, long fallback) {
        return limit(env, name, fallback, "requests per minute");
    }

    private static int openStreams(java.util.Map<String, String> env, int fallback) {
        return (int) Math.min(Integer.MAX_VALUE, limit(env, "ATHENA_MAX_OPEN_STREAMS_PER_CLIENT", fallback, "streams"));
    }

    /** A whole number of {@code unit}, 0 or more, or {@code fallback} when the variable is not set. */
    private static long limit(java.util.Map<String, String> env, String name, long fallback, String unit) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " must be a whole number of " + unit + ", 0 or more, but was '"
                + value + "'");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    public GatewaySettings withAdminKey(String key) {
        return new GatewaySettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, bindHost, port, key,
                corsOrigins, keyHashSecret, maxBodyBytes, maxWait, rateLimits);
    }

    public GatewaySettings withCorsOrigins(List<String> origins) {
        return new GatewaySettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, bindHost, port, adminKey,
                origins, keyHashSecret, maxBodyBytes, maxWait, rateLimits);
    }

    public GatewaySettings withMaxBodyBytes(int bytes) {
        return new GatewaySettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, bindHost, port, adminKey,
                corsOrigins, keyHashSecret, bytes, maxWait, rateLimits);
    }

    public GatewaySettings withRateLimits(RateLimits limits) {
        return new GatewaySettings(bootstrap, redisUrl, jdbcUrl, dbUser, dbPassword, bindHost, port, adminKey,
                corsOrigins, keyHashSecret, maxBodyBytes, maxWait, limits);
    }

    @Override
    public String toString() {
        return "GatewaySettings[bootstrap=" + bootstrap + ", redis=" + MaskedUrls.mask(redisUrl)
                + ", db=" + MaskedUrls.mask(jdbcUrl) + ", bind=" + bindHost + ":" + port + ", adminKey="
                + (adminKey == null ? "none" : "set") + ", cors=" + corsOrigins + ", maxBodyBytes=" + maxBodyBytes
                + ", maxWait=" + maxWait + ", " + rateLimits + "]";
    }
}
