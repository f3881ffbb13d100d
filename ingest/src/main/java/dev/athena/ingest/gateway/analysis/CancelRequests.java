package dev.athena.ingest.gateway.analysis;

import dev.athena.schemas.cancel.Cancellation;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Records a client's cancellation of one of its requests where the provider workers look before they ask a
 * provider ({@link Cancellation}). Whether it comes in time shows in the request's one result: CANCELLED, or
 * what the provider answered when the call had already started.
 */
public final class CancelRequests {
    private final RedissonClient redisson;

    public CancelRequests(RedissonClient redisson) {
        this.redisson = redisson;
    }

    /** @throws org.redisson.client.RedisException when Redis is unavailable: nothing was recorded */
    public void cancel(String clientId, String requestId) {
        redisson.getBucket(Cancellation.key(clientId, requestId), StringCodec.INSTANCE).set("1", Cancellation.TTL);
    }
}
