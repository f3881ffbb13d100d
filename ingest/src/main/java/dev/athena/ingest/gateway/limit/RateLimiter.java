package dev.athena.ingest.gateway.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.athena.ingest.gateway.RateLimits;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-IP, global and per-key request limits shared by every gateway instance through Redisson rate limiters
 * (one per key or IP, expiring when idle). When Redis is away the gateway admits: limits degrade, requests do
 * not fail because a counter is unreachable. After a failure Redis is left alone for {@link #BACK_OFF}, so an
 * outage (or a gateway started before Redis) costs a request a Redis timeout now and then, not each time, and
 * the log says so once per outage.
 */
public final class RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Duration KEEP_ALIVE = Duration.ofMinutes(10);
    private static final String NAMESPACE = "athena:gateway:limit:";
    static final Duration BACK_OFF = Duration.ofSeconds(5);

    /** The answer for one check; {@code headers} are set on the response either way. */
    public record Decision(boolean allowed, String scope, long retryAfterSeconds, Map<String, String> headers) {
        static Decision allow() {
            return new Decision(true, "none", 0, Map.of());
        }
    }

    private final RedissonClient redisson;
    private final RateLimits limits;
    private final InstantSource clock;
    private volatile long quietUntilMillis;
    private volatile boolean failing;
    private final Cache<String, RRateLimiter> configured =
            Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(5)).build();

    public RateLimiter(RedissonClient redisson, RateLimits limits) {
        this(redisson, limits, InstantSource.system());
    }

    RateLimiter(RedissonClient redisson, RateLimits limits, InstantSource clock) {
        this.redisson = redisson;
        this.limits = limits;
        this.clock = clock;
    }

    public Decision checkAnonymous(String ip) {
        Decision global = check("global", "global", limits.globalPerMinute(), false);
        if (!global.allowed()) {
            return global;
        }
        return check("ip", "ip:" + ip, limits.perIpPerMinute(), false);
    }

    public Decision checkKey(String keyId) {
        return check("key", "key:" + keyId, limits.perKeyPerMinute(), true);
    }

    private Decision check(String scope, String name, long perMinute, boolean informative) {
        if (perMinute == 0 || clock.millis() < quietUntilMillis) {
            return Decision.allow();
        }
        try {
            RRateLimiter limiter = configured.get(name, n -> {
                RRateLimiter l = redisson.getRateLimiter(NAMESPACE + n);
                l.trySetRate(RateType.OVERALL, perMinute, INTERVAL, KEEP_ALIVE);
                return l;
            });
            boolean allowed = limiter.tryAcquire();
            long retryAfter = Math.max(1, (INTERVAL.toSeconds() + perMinute - 1) / perMinute);
            if (allowed && !informative) {
                return Decision.allow();
            }
            long remaining = Math.max(0, limiter.availablePermits());
            Map<String, String> headers = Map.of(
                    "RateLimit-Limit", String.valueOf(perMinute),
                    "RateLimit-Remaining", String.valueOf(remaining),
                    "RateLimit-Policy", perMinute + ";w=" + INTERVAL.toSeconds() + ";scope=" + scope);
            if (failing) {
                failing = false;
                LOG.info("Redis answers again: rate limits are checked again");
            }
            return new Decision(allowed, scope, allowed ? 0 : retryAfter, headers);
        } catch (RedisException e) {
            // A restarted Redis may have lost the limiter's rate: configure it again on the next call.
            configured.invalidate(name);
            quietUntilMillis = clock.millis() + BACK_OFF.toMillis();
            if (!failing) {
                failing = true;
                LOG.warn("rate limits not checked while Redis is unavailable ({}): requests are admitted; trying "
                        + "again every {} s", e.getClass().getSimpleName(), BACK_OFF.toSeconds());
            }
            return Decision.allow();
        }
    }
}
