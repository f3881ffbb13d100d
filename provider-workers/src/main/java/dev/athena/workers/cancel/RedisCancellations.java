package dev.athena.workers.cancel;

import dev.athena.schemas.cancel.Cancellation;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Requester;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cancellations the gateway records in Redis ({@link Cancellation}), read for a whole batch in one call. A
 * batch never waits long for Redis: an answer that takes more than {@link #MAX_WAIT} counts as none, and after a
 * failure Redis is left alone for {@link #BACK_OFF}, so an outage delays a batch by at most that wait now and then.
 */
public final class RedisCancellations implements Cancellations {
    static final Duration MAX_WAIT = Duration.ofMillis(250);
    static final Duration BACK_OFF = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(RedisCancellations.class);

    private final RedissonClient redis;
    private final InstantSource clock;
    private volatile long quietUntilMillis;
    private volatile boolean failing;

    public RedisCancellations(RedissonClient redis, InstantSource clock) {
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public Set<Requester> cancelled(AnalysisBatch batch) {
        Map<String, Requester> byKey = new LinkedHashMap<>();
        for (BatchItem item : batch.items()) {
            for (Requester requester : item.requesters()) {
                byKey.put(Cancellation.key(requester.clientId(), requester.requestId()), requester);
            }
        }
        if (byKey.isEmpty() || clock.millis() < quietUntilMillis) {
            return Set.of();
        }
        try {
            Map<String, Object> found = redis.getBuckets(StringCodec.INSTANCE)
                    .getAsync(byKey.keySet().toArray(String[]::new)).toCompletableFuture()
                    .get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (failing) {
                failing = false;
                LOG.info("Redis answers again: cancellations are seen again");
            }
            Set<Requester> cancelled = new HashSet<>();
            found.keySet().forEach(key -> cancelled.add(byKey.get(key)));
            return cancelled;
        } catch (ExecutionException | TimeoutException e) {
            quietUntilMillis = clock.millis() + BACK_OFF.toMillis();
            if (!failing) {
                failing = true;
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                LOG.warn("Redis did not answer ({}): cancellations are not seen until it does; requests get their "
                        + "usual results", cause.getClass().getSimpleName());
            }
            return Set.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Set.of();
        }
    }
}
