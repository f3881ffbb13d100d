package dev.athena.workers.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedRedis;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cancel.Cancellation;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.SchemaVersion;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** Cancellations as the gateway records them in Redis, read by a worker; and a worker that Redis does not answer. */
@Tag("integration")
class RedisCancellationsIT {
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private RedissonClient redis;

    @BeforeEach
    void connect() {
        Config config = new Config();
        config.useSingleServer().setAddress(SharedLocalStack.get().endpoints().redisUrl()).setTimeout(1_000)
                .setConnectTimeout(2_000);
        redis = Redisson.create(config);
    }

    @AfterEach
    void disconnect() {
        redis.shutdown();
    }

    @Test
    void shouldFindTheCancelledRequestersOfABatchByClientAndRequestId() {
        Requester cancelled = new Requester("r-1-" + run, "team-a-" + run, null, null);
        Requester sameIdOtherClient = new Requester("r-1-" + run, "team-b-" + run, null, null);
        Requester wanted = new Requester("r-2-" + run, "team-a-" + run, null, null);
        redis.getBucket(Cancellation.key(cancelled.clientId(), cancelled.requestId()), StringCodec.INSTANCE)
                .set("1", Cancellation.TTL);

        var found = new RedisCancellations(redis, InstantSource.system())
                .cancelled(batch(item("k1", cancelled, sameIdOtherClient), item("k2", wanted)));

        assertThat(found).containsExactly(cancelled);
    }

    @Test
    void shouldNotHoldABatchUpWhileRedisIsDownAndLookAgainAfterTheBackOff() throws InterruptedException {
        EmbeddedRedis server = SharedLocalStack.get().embeddedRedis().orElseThrow();
        Requester cancelled = new Requester("r-down-" + run, "team-a-" + run, null, null);
        redis.getBucket(Cancellation.key(cancelled.clientId(), cancelled.requestId()), StringCodec.INSTANCE)
                .set("1", Cancellation.TTL);
        AtomicLong now = new AtomicLong(1_000_000);
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        RedisCancellations cancellations = new RedisCancellations(redis, clock);
        AnalysisBatch batch = batch(item("k1", cancelled));
        server.stop();
        Duration waited;
        try {
            long started = System.nanoTime();
            assertThat(cancellations.cancelled(batch)).as("not seen: the request gets its usual result").isEmpty();
            waited = Duration.ofNanos(System.nanoTime() - started);
        } finally {
            server.restart();
        }
        assertThat(waited).as("one bounded wait").isLessThan(Duration.ofSeconds(1));
        // the restarted server starts empty, and Redisson reconnects on its own schedule: record it again once it can
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                redis.getBucket(Cancellation.key(cancelled.clientId(), cancelled.requestId()), StringCodec.INSTANCE)
                        .set("1", Cancellation.TTL);
                break;
            } catch (RedisException e) {
                assertThat(System.nanoTime()).as("Redis back within 30 s").isLessThan(until);
                Thread.sleep(100);
            }
        }

        assertThat(cancellations.cancelled(batch)).as("Redis left alone during the back-off").isEmpty();
        now.addAndGet(RedisCancellations.BACK_OFF.toMillis());
        assertThat(cancellations.cancelled(batch)).as("asked again after it").containsExactly(cancelled);
    }

    private static AnalysisBatch batch(BatchItem... items) {
        return new AnalysisBatch(SchemaVersion.CURRENT, "b-1", "auto/auto/interactive", Instant.now(), Instant.now(),
                List.of(items));
    }

    private static BatchItem item(String cacheKey, Requester... requesters) {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, requesters[0].requestId(),
                requesters[0].clientId(), AnalysisType.SECURITY, "python", "a.py", "eval(x)\n", null, null,
                Lane.INTERACTIVE, Map.of(), null, null, null, null);
        return new BatchItem(cacheKey, request, List.of(requesters));
    }
}
