package dev.athena.ingest.gateway;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What integration tests share: the local stack, a gateway factory and the writes the pipeline would make. */
final class TestStack {
    static final String ADMIN_KEY = "test-admin-" + "k".repeat(40);

    private TestStack() {
    }

    static Endpoints endpoints() {
        return SharedLocalStack.get().endpoints();
    }

    static GatewaySettings settings() {
        Endpoints e = endpoints();
        return GatewaySettings.defaults(e.kafkaBootstrap(), e.redisUrl(), e.jdbcUrl(), e.dbUser(), e.dbPassword(), 0)
                .withAdminKey(ADMIN_KEY).withMaxBodyBytes(64 * 1024).withRateLimits(RateLimits.off());
    }

    static Gateway start(GatewaySettings settings) {
        return Gateway.start(settings, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    static String client() {
        return "gw-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String createKey(GatewayClient http, String clientId, String... scopes) {
        String body = Json.writeString(Map.of("clientId", clientId, "scopes", List.of(scopes)));
        var response = http.post("/v1/admin/keys", ADMIN_KEY, body);
        if (response.statusCode() != 201) {
            throw new AssertionError("key creation failed: " + response.statusCode() + " " + response.body());
        }
        return Json.tree(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).get("key").stringValue();
    }

    static void ensureResultTopic(String clientId) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints().kafkaBootstrap()))) {
            new TopicProvisioner(admin).ensure(Topics.resultsFor(clientId));
        }
    }

    static void produceResult(AnalysisResult result) {
        produce(Topics.resultsTopicName(result.clientId()), result.requestId(), Json.write(result));
    }

    /** A chunk as the workers write it: keyed by request id, the requester's client in a header. */
    static void produceChunk(String clientId, String requestId, long sequence, String delta, boolean last) {
        var record = new ProducerRecord<>(Topics.CHUNKS, requestId, Json.write(new AnalysisChunk(
                SchemaVersion.CURRENT, requestId, sequence, delta, last)));
        record.headers().add(RequestPartitions.CLIENT_ID_HEADER, clientId.getBytes(StandardCharsets.UTF_8));
        produce(record);
    }

    private static void produce(String topic, String key, byte[] value) {
        produce(new ProducerRecord<>(topic, key, value));
    }

    private static void produce(ProducerRecord<String, byte[]> record) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints().kafkaBootstrap()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record);
        }
    }
}
