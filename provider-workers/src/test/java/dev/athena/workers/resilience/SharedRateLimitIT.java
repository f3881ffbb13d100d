package dev.athena.workers.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.infra.stack.EmbeddedRedis;
import dev.athena.infra.stack.LocalStack;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.workers.provider.spi.RetriableProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.config.Config;

/** Two "instances" (two Redis clients) share one provider's budget; with Redis gone each keeps to its share. */
@Tag("integration")
class SharedRateLimitIT {
    private LocalStack stack;
    private RedissonClient first;
    private RedissonClient second;

    @BeforeEach
    void connect() {
        stack = SharedLocalStack.get();
        first = client();
        second = client();
    }

    @AfterEach
    void disconnect() {
        stack.embeddedRedis().ifPresent(EmbeddedRedis::restart);
        first.shutdown();
        second.shutdown();
    }

    private RedissonClient client() {
        Config config = new Config();
        config.useSingleServer().setAddress(stack.endpoints().redisUrl()).setTimeout(500).setConnectTimeout(1000)
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2);
        return Redisson.create(config);
    }

    /**
     * "Redis is back" for these tests means back for both clients: Redisson reconnects in the background, and a
     * command sent before it has can fail after its retries, which the limit rightly takes for Redis still down.
     */
    private void restartAndReconnect(EmbeddedRedis redis) {
        redis.restart();
        for (RedissonClient client : List.of(first, second)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    client.getBucket("it-reconnect").isExists();
                    break;
                } catch (RedisException e) {
                    assertThat(System.nanoTime()).as("client reconnected within 30 s").isLessThan(deadline);
                }
            }
        }
    }

    @Test
    void shouldShareRequestsPerMinuteAcrossInstances() {
        String provider = "it-shared-" + UUID.randomUUID();
        SharedRateLimit a = new SharedRateLimit(first, provider, 5, 1_000_000, 2, Clock.systemUTC(), Sleeper.SYSTEM);
        SharedRateLimit b = new SharedRateLimit(second, provider, 5, 1_000_000, 2, Clock.systemUTC(), Sleeper.SYSTEM);
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            SharedRateLimit limit = i % 2 == 0 ? a : b;
            try {
                limit.acquire(10, Duration.ZERO);
                granted++;
            } catch (RetriableProviderException e) {
                assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.LOCALLY_LIMITED);
            }
        }
        assertThat(granted).isEqualTo(5);
    }

    @Test
    void shouldGiveTheRequestPermitBackWhenTheTokenBudgetIsShort() {
        String provider = "it-tokens-" + UUID.randomUUID();
        SharedRateLimit a = new SharedRateLimit(first, provider, 3, 1_000, 1, Clock.systemUTC(), Sleeper.SYSTEM);
        a.acquire(900, Duration.ZERO);
        assertThat(a.headroom().orElseThrow().requestsRemaining()).isEqualTo(2);

        // 500 tokens are not left this minute: the call is refused, and costs no request of the minute
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> a.acquire(500, Duration.ZERO)).isInstanceOf(RetriableProviderException.class)
                    .hasMessageContaining("no token budget");
        }
        assertThat(a.headroom().orElseThrow().requestsRemaining()).isEqualTo(2);
        a.acquire(50, Duration.ZERO);
        a.acquire(50, Duration.ZERO);
        assertThat(a.headroom().orElseThrow().requestsRemaining()).isZero();
    }

    @Test
    void shouldShareAProvidersPauseAcrossInstances() {
        String provider = "it-pause-" + UUID.randomUUID();
        SharedRateLimit a = new SharedRateLimit(first, provider, 100, 1_000_000, 2, Clock.systemUTC(), Sleeper.SYSTEM);
        SharedRateLimit b = new SharedRateLimit(second, provider, 100, 1_000_000, 2, Clock.systemUTC(), Sleeper.SYSTEM);
        a.pause(Duration.ofSeconds(30));
        assertThatThrownBy(() -> b.acquire(1, Duration.ofSeconds(1)))
                .isInstanceOf(RetriableProviderException.class).hasMessageContaining("pause");
    }

    @Test
    void shouldFallBackToLocalShareWhenRedisIsDown() {
        EmbeddedRedis redis = stack.embeddedRedis().orElseThrow();
        String provider = "it-fallback-" + UUID.randomUUID();
        // a clock that stands still: the local share refills over the minute, and each failed probe of Redis
        // costs the client's timeouts and retries, so on the wall clock a slow run would earn a fourth call
        InstantSource clock = InstantSource.fixed(Instant.now());
        SharedRateLimit a = new SharedRateLimit(first, provider, 6, 1_000_000, 2, clock, Sleeper.SYSTEM);
        redis.stop();
        int granted = 0;
        for (int i = 0; i < 6; i++) {
            try {
                a.acquire(10, Duration.ZERO);
                granted++;
            } catch (RetriableProviderException e) {
                assertThat(e.kind()).isEqualTo(RetriableProviderException.Kind.LOCALLY_LIMITED);
            }
        }
        assertThat(granted).isEqualTo(3); // half of 6: this instance's share of two
    }

    @Test
    void shouldShareTheBudgetOnceRedisIsBackForALimitMadeWhileItWasDown() {
        EmbeddedRedis redis = stack.embeddedRedis().orElseThrow();
        String provider = "it-late-" + UUID.randomUUID();
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        redis.stop();
        SharedRateLimit a = new SharedRateLimit(first, provider, 6, 1_000_000, 2, clock, Sleeper.SYSTEM);
        a.acquire(10, Duration.ZERO);
        assertThat(a.headroom().orElseThrow().shared()).as("its own share while Redis is down").isFalse();

        restartAndReconnect(redis);
        now.addAndGet(5_000);
        a.acquire(10, Duration.ZERO);
        a.acquire(10, Duration.ZERO);
        SharedRateLimit b = new SharedRateLimit(second, provider, 6, 1_000_000, 2, clock, Sleeper.SYSTEM);
        LimiterHeadroom seen = b.headroom().orElseThrow();
        assertThat(seen.shared()).isTrue();
        assertThat(seen.requestsRemaining()).as("the two taken once Redis was back, from the shared budget")
                .isEqualTo(4);
        assertThat(a.headroom().orElseThrow().shared()).isTrue();
    }

    @Test
    void shouldSetTheRatesAgainWhenRedisLostThem() {
        String provider = "it-lost-" + UUID.randomUUID();
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        SharedRateLimit a = new SharedRateLimit(first, provider, 6, 1_000_000, 2, clock, Sleeper.SYSTEM);
        a.acquire(10, Duration.ZERO);
        assertThat(first.getKeys().deleteByPattern("*athena:ratelimit:" + provider + "*")).isPositive();

        a.acquire(10, Duration.ZERO);
        assertThat(a.headroom().orElseThrow().shared()).as("a limiter without its rate: the local share").isFalse();
        now.addAndGet(5_000);
        a.acquire(10, Duration.ZERO);
        LimiterHeadroom seen = new SharedRateLimit(second, provider, 6, 1_000_000, 2, clock, Sleeper.SYSTEM)
                .headroom().orElseThrow();
        assertThat(seen.shared()).isTrue();
        assertThat(seen.requestsRemaining()).as("shared again, from a budget set anew").isEqualTo(5);
    }

    @Test
    void shouldReportTheSharedBudgetOnceRedisIsBackWithoutACallInBetween() {
        EmbeddedRedis redis = stack.embeddedRedis().orElseThrow();
        String provider = "it-quiet-" + UUID.randomUUID();
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        redis.stop();
        SharedRateLimit a = new SharedRateLimit(first, provider, 6, 1_000_000, 2, clock, Sleeper.SYSTEM);
        assertThat(a.headroom().orElseThrow().shared()).isFalse();

        restartAndReconnect(redis);
        now.addAndGet(5_000);
        LimiterHeadroom seen = a.headroom().orElseThrow();
        assertThat(seen.shared()).as("the health publisher's reading finds Redis back").isTrue();
        assertThat(seen.requestsRemaining()).isEqualTo(6);
    }

    @Test
    void shouldLeaveRedisAloneUntilItsFirstCallSoThatAStartDoesNotWaitForIt() {
        String provider = "it-lazy-" + UUID.randomUUID();
        String pattern = "*athena:ratelimit:" + provider + "*";
        SharedRateLimit a = new SharedRateLimit(first, provider, 6, 1_000_000, 2, Clock.systemUTC(), Sleeper.SYSTEM);
        assertThat(first.getKeys().getKeysStream(org.redisson.api.options.KeysScanOptions.defaults().pattern(pattern))
                .toList()).as("nothing written while it was made").isEmpty();

        a.acquire(10, Duration.ZERO);

        assertThat(first.getKeys().getKeysStream(org.redisson.api.options.KeysScanOptions.defaults().pattern(pattern))
                .toList()).as("the rates, set by the first call").isNotEmpty();
        LimiterHeadroom seen = new SharedRateLimit(second, provider, 6, 1_000_000, 2, Clock.systemUTC(),
                Sleeper.SYSTEM).headroom().orElseThrow();
        assertThat(seen.shared()).isTrue();
        assertThat(seen.requestsRemaining()).as("the first call counted in the shared budget").isEqualTo(5);
    }
}
