package dev.athena.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedRedis;
import dev.athena.infra.stack.TempDirectories;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.resilience.SharedRateLimit;
import dev.athena.workers.resilience.Sleeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/** A Redis of its own (not the shared stack's), stopped mid-test: health publishing skips and comes back. */
@Tag("integration")
class PublisherRedisOutageIT {

    @Test
    void shouldSkipAndCountWhileRedisIsDownAndPublishAgainOnceItIsBack() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Clock clock = Clock.systemUTC();
        Path dir = Files.createTempDirectory("athena-health-redis");
        try (EmbeddedRedis server = EmbeddedRedis.start(dir, port)) {
            Config config = new Config();
            config.useSingleServer().setAddress(server.url()).setTimeout(500).setConnectTimeout(500)
                    .setRetryAttempts(1).setRetryInterval(200);
            RedissonClient redis = Redisson.create(config);
            var limit = new SharedRateLimit(redis, "outage-p", 60, 6_000, 1, clock, Sleeper.SYSTEM);
            var publisher = new ProviderHealthPublisher(redis, "w-outage",
                    List.of(new HealthSource("outage-p", "m", 1, null, null, limit, null),
                            HealthSource.unguarded("builtin", "rules-1")),
                    clock, new WorkerMetrics(registry), Executors.newSingleThreadScheduledExecutor());
            try {
                assertThat(publisher.publish()).isTrue();

                server.stop();
                long started = System.nanoTime();
                assertThat(publisher.publish()).as("skipped, not thrown").isFalse();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the client's timeouts")
                        .isLessThan(Duration.ofSeconds(20));
                assertThat(registry.get(WorkerMetrics.HEALTH_PUBLISHES).tag("outcome", "skipped").counter().count())
                        .isEqualTo(1.0);

                server.restart();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                boolean back = false;
                while (!back && System.nanoTime() < deadline) {
                    back = publisher.publish();
                    if (!back) {
                        Thread.sleep(250);
                    }
                }
                assertThat(back).as("published again once Redis is back").isTrue();
                assertThat(redis.<String, String>getMap(ProviderHealthPublisher.HASH, StringCodec.INSTANCE)
                        .get("outage-p|w-outage")).contains("\"limiter\":{");
            } finally {
                publisher.close();
                redis.shutdown();
            }
        } finally {
            TempDirectories.deleteTree(dir);
        }
    }
}
