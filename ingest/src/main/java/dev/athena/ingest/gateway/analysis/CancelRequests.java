package dev.athena.ingest.gateway.analysis;

import dev.athena.schemas.cancel.Cancellation;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;

/**
 * Records a client's cancellation of one of its requests where the provider workers look before they ask a
 * provider ({@link Cancellation}). Whether it comes in time shows in the request's one result: CANCELLED, or
 * what the provider answered when the call had already started.
 */
public final class CancelRequests {
    static final Duration MAX_WAIT = Duration.ofMillis(250);

    private final RedissonClient redisson;

    public CancelRequests(RedissonClient redisson) {
        this.redisson = redisson;
    }

    /** @throws org.redisson.client.RedisException when Redis is unavailable: nothing was recorded */
    public void cancel(String clientId, String requestId) {
        redisson.getBucket(Cancellation.key(clientId, requestId), StringCodec.INSTANCE).set("1", Cancellation.TTL);
    }

    /**
     * Whether the client asked to cancel the request; false when Redis cannot say within {@link #MAX_WAIT}, so a
     * status read never waits long on Redis.
     */
    public boolean asked(String clientId, String requestId) {
        try {
            return redisson.getBucket(Cancellation.key(clientId, requestId), StringCodec.INSTANCE).isExistsAsync()
                    .toCompletableFuture().get(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RedisException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
