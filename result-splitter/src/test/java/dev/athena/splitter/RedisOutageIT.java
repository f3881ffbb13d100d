package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedRedis;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.topic.Topics;
import dev.athena.splitter.cache.RedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

@Tag("integration")
class RedisOutageIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final EmbeddedRedis redisServer = SharedLocalStack.get().embeddedRedis().orElseThrow();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String client = "redis-outage-" + run;

    private byte[] batch(String batchId, CacheKey key, String requestId) {
        ItemResult item = new ItemResult(key.value(), List.of(new Requester(requestId, client, null, null)),
                key.analysisType(), null, ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"), null, "ok",
                null, null, false);
        return Json.write(new BatchResult(1, batchId, "builtin/rules-1/interactive", List.of(item), Instant.now()));
    }

    @Test
    void shouldKeepDeliveringAndPersistingWhileRedisIsDownAndCacheAgainOnceItIsBack() {
        String input = "redis-outage-" + run;
        kafka.createTopic(input, 1);
        CacheKey before = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "before " + run, Map.of());
        CacheKey during = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "during " + run, Map.of());
        var registry = new SimpleMeterRegistry();
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("redis-outage-" + run)
                .withInstanceId("redis-outage-" + run).withInputTopic(input);
        try (ResultSplitter splitter = ResultSplitter.start(settings, registry)) {
            kafka.produce(input, "b1", batch("b1-" + run, before, "before-" + run));
            kafka.readCommitted(Topics.resultsTopicName(client), r -> r.size() >= 1, DEADLINE, Duration.ZERO);
            Eventually.await("Redis write before the outage", DEADLINE, () -> redisHas(before.value()), ok -> ok);

            redisServer.stop();
            try {
                kafka.produce(input, "b2", batch("b2-" + run, during, "during-" + run));

                var results = kafka.readCommitted(Topics.resultsTopicName(client), r -> r.size() >= 2, DEADLINE,
                        Duration.ZERO);
                assertThat(results).extracting(TestKafka::key).contains("during-" + run);
                Eventually.await("row written while Redis is down", DEADLINE,
                        () -> splitter.store().find(client, "during-" + run), Optional::isPresent);
                assertThat(splitter.cache().peekL1(during.value())).as("L1 still caches").isPresent();
                Eventually.await("the failed Redis write is counted", DEADLINE,
                        () -> registry.get("athena.splitter.cache.writes").tag("tier", "redis")
                                .tag("outcome", "failed").counter().count(), n -> n >= 1);
                long started = System.nanoTime();
                assertThat(splitter.cache().get("analysis:none:none:security:0:0")).isEmpty();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a miss does not hang on Redis")
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(registry.get("athena.splitter.redis.errors").counter().count()).isPositive();
            } finally {
                redisServer.restart();
            }

            // Redisson reconnects on its own schedule: keep answering until one answer lands in Redis again
            int[] attempt = {0};
            Eventually.await("cache writes reaching Redis again", DEADLINE, () -> {
                CacheKey after = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "after " + run + attempt[0],
                        Map.of());
                kafka.produce(input, "b3", batch("b3-" + run + "-" + attempt[0], after, "after-" + run + "-"
                        + attempt[0]));
                attempt[0]++;
                long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (System.nanoTime() < until) {
                    if (redisHas(after.value())) {
                        return true;
                    }
                    sleep(Duration.ofMillis(300));
                }
                return false;
            }, ok -> ok);
            assertThat(registry.get("athena.splitter.cache.writes").tag("tier", "redis").tag("outcome", "ok")
                    .counter().count()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void shouldStartAndDeliverWithoutRedisAtAll() {
        String input = "redis-absent-" + run;
        kafka.createTopic(input, 1);
        CacheKey key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "absent " + run, Map.of());
        var registry = new SimpleMeterRegistry();
        String nowhere = "redis://127.0.0.1:" + dev.athena.infra.stack.FreePorts.pick();
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), nowhere,
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("redis-absent-" + run)
                .withInstanceId("redis-absent-" + run).withInputTopic(input);
        try (ResultSplitter splitter = ResultSplitter.start(settings, registry)) {
            kafka.produce(input, "b1", batch("b1-" + run, key, "absent-" + run));

            var results = kafka.readCommitted(Topics.resultsTopicName(client), r -> r.size() >= 1, DEADLINE,
                    Duration.ZERO);

            assertThat(results).extracting(TestKafka::key).containsExactly("absent-" + run);
            assertThat(splitter.cache().peekL1(key.value())).isPresent();
            Eventually.await("Redis failures counted", DEADLINE,
                    () -> registry.get("athena.splitter.redis.errors").counter().count(), n -> n > 0);
        }
    }

    private boolean redisHas(String key) {
        RedissonClient redis = RedisConnection.open(endpoints.redisUrl());
        try {
            return redis.getBucket(key, StringCodec.INSTANCE).isExists();
        } finally {
            redis.shutdown();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
