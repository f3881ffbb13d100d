package dev.athena.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.CommittedRecords;
import dev.athena.workers.ProviderWorkers;
import dev.athena.workers.WorkerSettings;
import dev.athena.workers.config.ProviderCatalog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import tools.jackson.databind.JsonNode;

@Tag("integration")
class ProviderHealthIT {

    @Test
    void shouldPublishFreshSnapshotsOfEveryProviderWhileRunningAndRemoveThemOnClose() throws Exception {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String instance = "it-health-" + suffix;
        WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-health-" + suffix).withInstanceId(instance);
        // a remote provider nobody calls in this test: only its guards are reported
        ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-test",
                "OPENAI_BASE_URL", "http://127.0.0.1:9/v1"));
        Config config = new Config();
        config.useSingleServer().setAddress(endpoints.redisUrl());
        RedissonClient redis = Redisson.create(config);
        try {
            RMap<String, String> hash = redis.getMap(ProviderHealthPublisher.HASH, StringCodec.INSTANCE);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            // after what other tests left on athena.batches: an old `auto` batch would be served here and could
            // leave the openai breaker or bulkhead other than this test expects
            CommittedRecords.startGroupAtEnd(endpoints.kafkaBootstrap(), settings.groupId(), Topics.BATCHES);
            ProviderWorkers workers = ProviderWorkers.start(settings, registry, catalog);
            Instant started = Instant.now();
            try {
                JsonNode builtin = await(hash, "builtin|" + instance, started);
                assertThat(builtin.get("provider").stringValue()).isEqualTo("builtin");
                assertThat(builtin.get("model").stringValue()).isEqualTo("rules-1");
                assertThat(builtin.get("instanceId").stringValue()).isEqualTo(instance);
                assertThat(builtin.get("breakerState").isNull()).isTrue();

                JsonNode openai = await(hash, "openai|" + instance, started);
                assertThat(openai.get("priority").asInt()).isEqualTo(2);
                assertThat(openai.get("breakerState").stringValue()).isEqualTo("CLOSED");
                assertThat(openai.get("bulkheadMaxConcurrent").asInt()).isEqualTo(20);
                assertThat(openai.get("bulkheadAvailable").asInt()).isEqualTo(20);
                JsonNode limiter = openai.get("limiter");
                assertThat(limiter.get("shared").asBoolean()).as("limits shared through Redis").isTrue();
                assertThat(limiter.get("requestsRemaining").asLong())
                        .isBetween(0L, limiter.get("requestsPerMinute").asLong());
                assertThat(registry.get("athena.workers.health.publishes").tag("outcome", "published").counter()
                        .count()).isPositive();
            } finally {
                workers.close();
            }
            assertThat(hash.containsKey("builtin|" + instance)).as("removed on close").isFalse();
            assertThat(hash.containsKey("openai|" + instance)).as("removed on close").isFalse();
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void shouldForgetInstancesSilentForTenMinutesButKeepLiveOnes() {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Config config = new Config();
        config.useSingleServer().setAddress(endpoints.redisUrl());
        RedissonClient redis = Redisson.create(config);
        java.time.Clock clock = java.time.Clock.systemUTC();
        String dead = "builtin|it-dead-" + suffix;
        String live = "builtin|it-live-" + suffix;
        RMap<String, String> hash = redis.getMap(ProviderHealthPublisher.HASH, StringCodec.INSTANCE);
        var publisher = new ProviderHealthPublisher(redis, "it-live-" + suffix,
                java.util.List.of(HealthSource.unguarded("builtin", "rules-1")), clock,
                new dev.athena.workers.metrics.WorkerMetrics(new SimpleMeterRegistry()),
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor());
        try {
            hash.put(dead, Json.writeString(ProviderSnapshot.of(HealthSource.unguarded("builtin", "rules-1"),
                    "it-dead-" + suffix, clock.instant().minus(Duration.ofMinutes(11)))));
            assertThat(publisher.publish()).isTrue();

            assertThat(publisher.prune()).isGreaterThanOrEqualTo(1);

            assertThat(hash.containsKey(dead)).isFalse();
            assertThat(hash.containsKey(live)).isTrue();
        } finally {
            publisher.close();
            assertThat(hash.containsKey(live)).as("removed on close").isFalse();
            redis.shutdown();
        }
    }

    @Test
    void shouldWithdrawTheSnapshotsOfAWorkerWhoseLoopHasDied() {
        Endpoints endpoints = SharedLocalStack.get().endpoints();
        String instance = "it-dying-" + UUID.randomUUID().toString().substring(0, 8);
        Config config = new Config();
        config.useSingleServer().setAddress(endpoints.redisUrl());
        RedissonClient redis = Redisson.create(config);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.util.concurrent.atomic.AtomicBoolean alive = new java.util.concurrent.atomic.AtomicBoolean(true);
        RMap<String, String> hash = redis.getMap(ProviderHealthPublisher.HASH, StringCodec.INSTANCE);
        var publisher = new ProviderHealthPublisher(redis, instance,
                java.util.List.of(HealthSource.unguarded("builtin", "rules-1")), java.time.Clock.systemUTC(),
                new dev.athena.workers.metrics.WorkerMetrics(registry),
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(), alive::get);
        try {
            assertThat(publisher.publish()).isTrue();
            assertThat(hash.containsKey("builtin|" + instance)).isTrue();

            alive.set(false);

            assertThat(publisher.publish()).isFalse();
            assertThat(hash.containsKey("builtin|" + instance)).as("withdrawn, not left to look fresh").isFalse();
            assertThat(publisher.publish()).isFalse();
            assertThat(hash.containsKey("builtin|" + instance)).as("never written again").isFalse();
            assertThat(registry.get("athena.workers.health.publishes").tag("outcome", "withdrawn").counter()
                    .count()).isEqualTo(1.0);
            assertThat(registry.get("athena.workers.health.publishes").tag("outcome", "published").counter()
                    .count()).isEqualTo(1.0);
        } finally {
            publisher.close();
            redis.shutdown();
        }
    }

    /** Waits for the field to hold a snapshot written after {@code after} (generous deadline: shared machine). */
    private static JsonNode await(RMap<String, String> hash, String field, Instant after) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String value = hash.get(field);
            if (value != null) {
                JsonNode node = Json.tree(value.getBytes(StandardCharsets.UTF_8));
                if (!Instant.parse(node.get("updatedAt").stringValue()).isBefore(after)) {
                    return node;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no fresh snapshot in " + ProviderHealthPublisher.HASH + " field " + field
                + ": " + hash.readAllMap());
    }
}
