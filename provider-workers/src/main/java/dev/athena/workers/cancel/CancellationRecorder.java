package dev.athena.workers.cancel;

import dev.athena.schemas.cancel.Cancellation;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/** Records that a client cancelled one of its requests, where {@link RedisCancellations} reads it. */
@FunctionalInterface
public interface CancellationRecorder {
    /** @throws RuntimeException when it could not be recorded (Redis away): nothing was */
    void record(String clientId, String requestId);

    /** Into Redis, kept as long as {@link Cancellation#TTL}, as the gateway records a DELETE. */
    static CancellationRecorder redis(RedissonClient redis) {
        return (clientId, requestId) -> redis.getBucket(Cancellation.key(clientId, requestId), StringCodec.INSTANCE)
                .set("1", Cancellation.TTL);
    }
}
