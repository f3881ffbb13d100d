package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedRedis;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cancel.Cancellation;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.health.ProviderHealthPublisher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Pods start in any order: a worker started while Redis is down runs, and uses Redis once it answers (a worker
 * of an earlier build stayed without it until restarted: no cancellations read, no health published).
 */
@Tag("integration")
class RedisAtStartIT {
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final EmbeddedRedis redisServer = SharedLocalStack.get().embeddedRedis().orElseThrow();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldStartWhileRedisIsDownAndUseItOnceItAnswers() throws Exception {
        String client = "team-rs-" + run;
        String requestId = "req-rs-" + run;
        WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-rs-" + run);
        redisServer.stop();
        RedissonClient redis = null;
        try (ProviderWorkers ignored = ProviderWorkers.start(settings, new SimpleMeterRegistry(),
                ProviderCatalog.fromEnvironment(Map.of()));
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()),
                        new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.CANCELLATIONS, requestId,
                    Json.write(AnalysisCancellation.of(client, requestId)))).get();

            redisServer.restart();
            redis = client();
            RedissonClient reader = redis;
            assertThat(eventually(Duration.ofSeconds(90), () -> reader.getBucket(
                    Cancellation.key(client, requestId), StringCodec.INSTANCE).isExists()))
                    .as("the cancellation sent while Redis was down, recorded once it answers").isTrue();
            assertThat(eventually(Duration.ofSeconds(30), () -> reader.getMap(ProviderHealthPublisher.HASH,
                    StringCodec.INSTANCE).containsKey("builtin|" + settings.instanceId())))
                    .as("this instance's health published").isTrue();
        } finally {
            redisServer.restart();
            if (redis != null) {
                redis.shutdown();
            }
        }
    }

    private RedissonClient client() {
        Config config = new Config();
        config.useSingleServer().setAddress(endpoints.redisUrl());
        return Redisson.create(config);
    }

    private static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(200);
        }
        return condition.getAsBoolean();
    }
}
