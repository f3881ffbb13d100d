package dev.athena.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same end-to-end path against a Kafka broker in a container, for machines with a Docker engine. Without
 * Docker the class is skipped (the in-process broker of {@link PipelineEndToEndIT} covers the path there).
 */
@Tag("integration")
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @Test
    void shouldCompleteARequestThroughAContainerisedBroker(@TempDir Path state) throws Exception {
        Endpoints shared = SharedLocalStack.get().endpoints();
        Endpoints endpoints = new Endpoints(KAFKA.getBootstrapServers(), shared.redisUrl(), shared.jdbcUrl(),
                shared.dbUser(), shared.dbPassword());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            new TopicProvisioner(admin).ensure(Topics.pipeline());
        }
        try (var services = PipelineServices.start(endpoints, state, new SimpleMeterRegistry())) {
            var kafka = new KafkaProbe(endpoints.kafkaBootstrap());
            String client = "tc-" + UUID.randomUUID().toString().substring(0, 8);
            String requestId = UUID.randomUUID().toString();
            kafka.produceRaw(requestId, ("{\"schemaVersion\":1,\"requestId\":\"" + requestId + "\",\"clientId\":\""
                    + client + "\",\"analysisType\":\"security\",\"code\":\"eval(input())\\n\"}")
                    .getBytes(StandardCharsets.UTF_8));
            var results = kafka.readResults(client, 1, Duration.ofSeconds(90), Duration.ofSeconds(2));
            assertThat(results).singleElement().satisfies(r -> {
                assertThat(r.requestId()).isEqualTo(requestId);
                assertThat(r.status()).isEqualTo(ResultStatus.COMPLETED);
            });
        }
    }
}
