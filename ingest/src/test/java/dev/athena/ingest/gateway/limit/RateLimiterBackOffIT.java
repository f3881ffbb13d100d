package dev.athena.ingest.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedRedis;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.gateway.RateLimits;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.config.Config;

/** After Redis fails, the limiter admits without asking it for a while, then checks again. */
@Tag("integration")
class RateLimiterBackOffIT {

    @Test
    void shouldAdmitWithoutAskingRedisForTheBackOffAfterAFailureThenCheckAgain() {
        EmbeddedRedis redis = SharedLocalStack.get().embeddedRedis().orElseThrow();
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        Config config = new Config();
        config.setLazyInitialization(true);
        config.useSingleServer().setAddress(SharedLocalStack.get().endpoints().redisUrl()).setTimeout(500)
                .setConnectTimeout(500).setRetryAttempts(0);
        String key = "backoff-" + UUID.randomUUID();
        redis.stop();
        RedissonClient client = Redisson.create(config);
        try {
            RateLimiter limiter = new RateLimiter(client, new RateLimits(100, 0, 0), clock);
            RateLimiter.Decision down = limiter.checkKey(key);
            assertThat(down.allowed()).as("admitted while Redis is down").isTrue();
            assertThat(down.headers()).isEmpty();

            redis.restart();
            assertThat(limiter.checkKey(key).headers()).as("Redis left alone within the back-off").isEmpty();
            awaitAnswer(client);
            now.addAndGet(RateLimiter.BACK_OFF.toMillis());
            RateLimiter.Decision back = limiter.checkKey(key);
            assertThat(back.headers()).containsEntry("RateLimit-Limit", "100")
                    .containsEntry("RateLimit-Remaining", "99");
        } finally {
            redis.restart();
            client.shutdown();
        }
    }

    /** Redisson reconnects in the background; a command sent before it has fails, which is not what is tested. */
    private static void awaitAnswer(RedissonClient client) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                client.getBucket("it-reconnect").isExists();
                return;
            } catch (RedisException e) {
                assertThat(System.nanoTime()).as("client reconnected within 30 s").isLessThan(deadline);
            }
        }
    }
}
