package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.fake.FakeProviderServer;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.BatchGuard;
import dev.athena.workers.provider.vendor.Pricing;
import dev.athena.workers.provider.vendor.VendorSettings;
import dev.athena.workers.provider.vendor.openai.OpenAiBatchApi;
import dev.athena.workers.provider.vendor.openai.OpenAiCompatibleProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The provider accepts a batch, then the worker's transaction that would record it as pending aborts: the
 * broker refuses the pending record (its topic here takes records of at most 256 bytes).
 */
@Tag("integration")
class OrphanedProviderBatchIT {
    /** Named by our requests only: other tests' batches, which this loop reads too, never reach the fake. */
    private static final String PROVIDER = "orphanage";

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final FakeProviderServer fake = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)
            .batchPollsBeforeDone(Integer.MAX_VALUE);
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("it-orphan-task-", 0).factory());
    private BatchLoop loop;

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(20));
        }
        threads.shutdownNow();
        fake.close();
    }

    @Test
    void shouldCancelTheProviderBatchWhenTheTransactionRecordingItAborts() throws Exception {
        String topic = "it-provider-batches-tiny-" + suffix;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            new TopicProvisioner(admin).ensure(new TopicSpec(topic, 1, Map.of("max.message.bytes", "256")));
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        loop = loop(topic, new WorkerMetrics(registry));
        Thread.ofPlatform().name("it-orphan-loop-" + suffix).start(loop);
        assertThat(loop.awaitAssignment(Duration.ofSeconds(60))).isTrue();

        produce(batchJson("it-orphan-" + suffix));

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (fake.batchCancellations().isEmpty() || count(registry, WorkerMetrics.BATCH_ORPHANS) < 1) {
            assertThat(System.nanoTime()).as("a cancel reaches the provider within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(fake.batchSubmissions()).isGreaterThanOrEqualTo(1);
        assertThat(fake.batchCancellations()).allSatisfy(id -> assertThat(fake.requests()).anyMatch(r ->
                r.method().equals("POST") && r.path().equals("/v1/batches/" + id + "/cancel")));
        assertThat(registry.get(WorkerMetrics.TRANSACTIONS).tag("outcome", "aborted").counter().count())
                .isGreaterThanOrEqualTo(1.0);
        assertThat(registry.get(WorkerMetrics.BATCH_ORPHANS).tag("provider", PROVIDER).tag("outcome", "cancelled")
                .counter().count()).isGreaterThanOrEqualTo(1.0);
    }

    private BatchLoop loop(String pendingTopic, WorkerMetrics metrics) {
        Clock clock = Clock.systemUTC();
        VendorSettings vendor = VendorSettings.of(PROVIDER, fake.baseUrl(), "sk-test", "gpt-4o-mini", Pricing.FREE)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(10));
        ProviderRoster roster = ProviderRoster.of(List.of(new OpenAiCompatibleProvider(vendor, clock)),
                new BuiltinProvider());
        BatchExecutor executor = new BatchExecutor(new ItemExecutor(roster, clock, Duration.ofSeconds(30), threads,
                metrics), threads, clock);
        ProviderBatches batches = new ProviderBatches("it-orphans-" + suffix, Map.of(PROVIDER,
                new ProviderBatches.Api(new OpenAiBatchApi(vendor, clock, BatchGuard.NONE), Duration.ZERO)), roster,
                executor, clock, metrics, pendingTopic);
        return new BatchLoop(new KafkaConsumer<>(consumerConfig()), new KafkaProducer<>(producerConfig()), executor,
                threads, 4, metrics, clock, batches);
    }

    /** As ProviderWorkers configures the loop's clients. */
    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-orphans-" + suffix);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-orphans-" + suffix);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 8);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "it-orphans-tx-" + suffix,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-orphans-" + suffix,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }

    private void produce(String value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(Topics.BATCHES, "auto/auto/bulk",
                    value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private String batchJson(String batchId) {
        String now = Instant.now().toString();
        return """
                {"schemaVersion":1,"batchId":"%s","route":"%s/auto/bulk","windowStart":"%s","windowEnd":"%s","items":[
                 {"cacheKey":"analysis:%s:auto:quality:%s:00000000",
                  "request":{"schemaVersion":1,"requestId":"req-%s","clientId":"team-it","analysisType":"quality",
                             "language":"python","path":"app/orphan-%s.py","code":"x = 1\\n","provider":"%s",
                             "lane":"bulk","createdAt":"%s"},
                  "requesters":[{"requestId":"req-%s","clientId":"team-it"}]}]}
                """.formatted(batchId, PROVIDER, now, now, PROVIDER, suffix, suffix, suffix, PROVIDER, now, suffix);
    }

    private static double count(SimpleMeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
