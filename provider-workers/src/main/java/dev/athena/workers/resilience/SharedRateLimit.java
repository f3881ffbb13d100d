package dev.athena.workers.resilience;

import dev.athena.workers.provider.spi.RetriableProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RBucket;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateLimiterConfig;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests and tokens per minute shared by every worker instance through Redis (Redisson's sliding-window
 * {@link RRateLimiter}, rate type OVERALL), plus a shared pause key set from a provider's 429. When Redis fails,
 * each instance falls back to a local limit of its share ({@code limit / expectedInstances}) until Redis answers
 * again; the switch is logged once each way. Nothing here waits for Redis when it is made: the first call (or
 * health reading) sets the rates, so an instance started while Redis is down does not wait out a timeout for each
 * provider before it runs.
 */
public final class SharedRateLimit implements RateLimit {
    private static final Logger LOG = LoggerFactory.getLogger(SharedRateLimit.class);

    /**
     * A minute and a second: the provider counts a request when it arrives, a little after we granted it, so a
     * window exactly one minute long could let the provider see one request too many at the window's edge.
     */
    static final Duration WINDOW = Duration.ofSeconds(61);

    private final String provider;
    private final RRateLimiter requests;
    private final RRateLimiter tokens;
    private final RBucket<Long> pausedUntil;
    private final long requestsPerMinute;
    private final long tokensPerMinute;
    private final LocalRateLimit fallback;
    private final InstantSource clock;
    private final Sleeper sleeper;
    /** True until the first call has set the rates in Redis, and again while Redis fails. */
    private volatile boolean degraded = true;
    private volatile boolean ratesTried;
    private volatile boolean outageLogged;
    private volatile long nextProbeMillis;

    public SharedRateLimit(RedissonClient redis, String provider, long requestsPerMinute, long tokensPerMinute,
            int expectedInstances, InstantSource clock, Sleeper sleeper) {
        this.provider = provider;
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.clock = clock;
        this.sleeper = sleeper;
        String prefix = "athena:ratelimit:" + provider + ":";
        this.requests = redis.getRateLimiter(prefix + "requests");
        this.tokens = redis.getRateLimiter(prefix + "tokens");
        this.pausedUntil = redis.getBucket(prefix + "paused-until");
        int share = Math.max(1, expectedInstances);
        this.fallback = new LocalRateLimit(provider, Math.max(1, requestsPerMinute / share),
                Math.max(1, tokensPerMinute / share), clock, sleeper);
    }

    /**
     * Sets the rate only when it is missing or different: setRate resets the window, so an instance starting
     * while others run must not wipe the budget they already spent.
     */
    private static void configure(RRateLimiter limiter, long perWindow) {
        if (limiter.trySetRate(RateType.OVERALL, perWindow, WINDOW)) {
            return;
        }
        RateLimiterConfig current = limiter.getConfig();
        if (current.getRate() != perWindow || current.getRateInterval() != WINDOW.toMillis()) {
            limiter.setRate(RateType.OVERALL, perWindow, WINDOW);
        }
    }

    @Override
    public void acquire(long wantedTokens, Duration maxWait) {
        setRatesOnce();
        if (degraded && !redisBack()) {
            fallback.acquire(wantedTokens, maxWait);
            return;
        }
        try {
            Instant start = clock.instant();
            waitOutPause(maxWait);
            if (!take(requests, 1, start, maxWait)) {
                throw limited("no request budget within " + maxWait.toMillis() + " ms");
            }
            long tokenCount = Math.min(Math.max(1, wantedTokens), tokensPerMinute);
            if (!take(tokens, tokenCount, start, maxWait)) {
                // no call is made: the request taken above goes back, or a short token budget would use up the
                // minute's requests without a single call
                requests.release(1);
                throw limited("no token budget for " + tokenCount + " tokens within " + maxWait.toMillis() + " ms");
            }
        } catch (RedisException e) {
            degrade(e);
            fallback.acquire(wantedTokens, maxWait);
        }
    }

    private boolean take(RRateLimiter limiter, long permits, Instant start, Duration maxWait) {
        long left = maxWait.toMillis() - Duration.between(start, clock.instant()).toMillis();
        return left <= 0 ? limiter.tryAcquire(permits) : limiter.tryAcquire(permits, left, TimeUnit.MILLISECONDS);
    }

    private void waitOutPause(Duration maxWait) {
        Long until = pausedUntil.get();
        if (until == null) {
            return;
        }
        long wait = until - clock.millis();
        if (wait <= 0) {
            return;
        }
        if (wait > maxWait.toMillis()) {
            throw limited(provider + " asked us to pause for " + wait + " ms");
        }
        try {
            sleeper.sleep(Duration.ofMillis(wait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw limited("interrupted while paused");
        }
    }

    @Override
    public void pause(Duration duration) {
        fallback.pause(duration);
        try {
            long until = clock.millis() + duration.toMillis();
            Long current = pausedUntil.get();
            if (current == null || current < until) {
                pausedUntil.set(until, duration.plusSeconds(1));
            }
        } catch (RedisException e) {
            degrade(e);
        }
    }

    /**
     * The shared budget as Redis holds it; this instance's share while Redis is away. Reading probes Redis as
     * acquiring does (at most every five seconds), so an instance without traffic reports the shared budget again
     * once Redis is back instead of its own share until its next call.
     */
    @Override
    public java.util.Optional<LimiterHeadroom> headroom() {
        setRatesOnce();
        if (degraded && !redisBack()) {
            return fallback.headroom();
        }
        try {
            Long until = pausedUntil.get();
            Instant paused = until == null || until <= clock.millis() ? null : Instant.ofEpochMilli(until);
            return java.util.Optional.of(new LimiterHeadroom(requestsPerMinute, requests.availablePermits(),
                    tokensPerMinute, tokens.availablePermits(), paused, true));
        } catch (RedisException e) {
            return fallback.headroom();
        }
    }

    /**
     * The first call sets the rates (the first probe); calls made meanwhile wait for it, or each would take its
     * local share of a budget the others already spend through Redis.
     */
    private void setRatesOnce() {
        if (ratesTried) {
            return;
        }
        synchronized (this) {
            if (!ratesTried) {
                redisBack();
                ratesTried = true;
            }
        }
    }

    /**
     * At most one probe every five seconds while Redis fails, so that an outage does not cost every call a
     * timeout. The probe sets the rates where they are missing: this instance may have started while Redis was
     * down, or Redis may have come back without its data, and a limiter without a rate refuses every call.
     */
    private boolean redisBack() {
        long now = clock.millis();
        if (now < nextProbeMillis) {
            return false;
        }
        nextProbeMillis = now + 5_000;
        try {
            configure(requests, requestsPerMinute);
            configure(tokens, tokensPerMinute);
            degraded = false;
            if (outageLogged) {
                outageLogged = false;
                LOG.info("rate limit of {} is shared through Redis again", provider);
            }
            return true;
        } catch (RedisException e) {
            logOutage(e);
            return false;
        }
    }

    private void degrade(RedisException e) {
        nextProbeMillis = clock.millis() + 5_000;
        degraded = true;
        logOutage(e);
    }

    private void logOutage(RedisException e) {
        if (!outageLogged) {
            outageLogged = true;
            LOG.warn("Redis unavailable for the rate limit of {}: this instance limits itself to its share ({})",
                    provider, e.getClass().getSimpleName());
        }
    }

    private RetriableProviderException limited(String message) {
        return new RetriableProviderException(provider, RetriableProviderException.Kind.LOCALLY_LIMITED, 0, message);
    }
}
