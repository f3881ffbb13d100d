package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.workers.CommittedRecords;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import dev.athena.workers.provider.spi.BatchApi;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.StubProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
 * Two pollers in one group: the first has read a pending provider batch and is stuck in the provider's poll while
 * the group rebalances; the second takes the partition and finishes the batch; then the first tries to finish it.
 */
@Tag("integration")
class ProviderBatchFencingIT {
    private static final Instant NOW = Instant.now();

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String group = "it-fencing-" + suffix;
    private final String topic = "it-provider-batches-" + suffix;
    private final String batchId = "it-fenced-" + suffix;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Runner> runners = new ArrayList<>();

    /** A provider batch that has ended; the first caller may be held in the provider's poll until released. */
    private static final class EndedBatchApi implements BatchApi {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch released;
        final AtomicInteger polls = new AtomicInteger();

        EndedBatchApi(boolean held) {
            released = new CountDownLatch(held ? 1 : 0);
        }

        @Override
        public String submit(List<Call> calls) {
            throw new AssertionError("nothing is submitted here");
        }

        @Override
        public Status poll(String providerBatchId, Map<String, ProviderCall> calls) {
            polls.incrementAndGet();
            entered.countDown();
            try {
                if (!released.await(60, TimeUnit.SECONDS)) {
                    throw new AssertionError("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Map<String, Outcome> outcomes = new HashMap<>();
            calls.keySet().forEach(id -> outcomes.put(id, new Outcome.Answered(new ProviderAnswer(List.of(),
                    "answered by the batch", "gpt-4o-mini", null))));
            return new Status.Done(outcomes);
        }

        @Override
        public void cancel(String providerBatchId) {
            throw new AssertionError("nothing is cancelled here");
        }
    }

    private record Runner(ProviderBatchPoller poller, Thread thread, SimpleMeterRegistry registry) {
        double transactions(String outcome) {
            Counter c = registry.find(WorkerMetrics.PROVIDER_BATCH_TRANSACTIONS).tag("outcome", outcome).counter();
            return c == null ? 0 : c.count();
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Runner r : runners) {
            r.poller().stop(Duration.ofSeconds(20));
        }
        threads.shutdownNow();
    }

    @Test
    void shouldFenceTheFormerOwnerSoTheBatchHasExactlyOneResultAfterARebalance() throws Exception {
        createTopic();
        writePending();
        EndedBatchApi first = new EndedBatchApi(true);
        EndedBatchApi second = new EndedBatchApi(false);

        Runner a = start("a", first);
        assertThat(first.entered.await(30, TimeUnit.SECONDS)).as("first poller asks the provider").isTrue();
        Runner b = start("b", second);
        // the first poller is stuck past max.poll.interval.ms: it drops out, the second takes the partition
        List<BatchResult> finished = readResults(Duration.ofSeconds(40), 1);
        assertThat(finished).as("the second poller finishes the batch").hasSize(1);
        assertThat(second.polls).hasPositiveValue();
        assertThat(b.transactions("committed")).isEqualTo(1.0);

        first.released.countDown(); // the former owner now tries to write the same batch's result
        await(() -> a.transactions("fenced") + a.transactions("aborted") >= 1, Duration.ofSeconds(30));

        assertThat(a.transactions("fenced")).as("the former owner's transaction is fenced")
                .isGreaterThanOrEqualTo(1.0);
        assertThat(a.transactions("committed")).isZero();
        List<BatchResult> results = readResults(Duration.ofSeconds(15), Integer.MAX_VALUE);
        assertThat(results).singleElement().satisfies(r -> assertThat(r.items()).singleElement()
                .satisfies(i -> assertThat(i.status()).isEqualTo(ResultStatus.COMPLETED)));
    }

    private Runner start(String instance, BatchApi api) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerMetrics metrics = new WorkerMetrics(registry);
        Clock clock = Clock.systemUTC();
        ProviderRoster roster = ProviderRoster.of(List.of(openAi()), new BuiltinProvider());
        BatchExecutor fallback = new BatchExecutor(new ItemExecutor(roster, clock, Duration.ofSeconds(30), threads,
                metrics), threads, clock);
        ProviderBatches batches = new ProviderBatches(group, Map.of("openai", new ProviderBatches.Api(api,
                Duration.ZERO)), roster, fallback, clock, metrics, topic);
        ProviderBatchPoller poller = new ProviderBatchPoller(new KafkaConsumer<>(consumerConfig(instance)),
                new KafkaProducer<>(producerConfig(instance)), batches, Duration.ofMillis(200), clock, metrics);
        Thread thread = Thread.ofPlatform().name("it-poller-" + instance + "-" + suffix).start(poller);
        Runner runner = new Runner(poller, thread, registry);
        runners.add(runner);
        return runner;
    }

    /** As ProviderWorkers configures the poller, but quick to notice a member that stopped polling. */
    private Map<String, Object> consumerConfig(String instance) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group + ".provider-batches");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-poller-" + instance + "-" + suffix);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 6_000);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    private Map<String, Object> producerConfig(String instance) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "it-poller-tx-" + instance + "-" + suffix,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-poller-" + instance + "-" + suffix,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }

    private void createTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            new TopicProvisioner(admin).ensure(new TopicSpec(topic, 1, Map.of("cleanup.policy", "compact")));
        }
    }

    private void writePending() throws Exception {
        AnalysisRequest request = new AnalysisRequest(SchemaVersion.CURRENT, "req-" + suffix, "team-it",
                AnalysisType.QUALITY, "python", "app/x-" + suffix + ".py", "x = 1\n", null, null, Lane.BULK,
                Map.of(), null, null, null, null);
        AnalysisBatch batch = new AnalysisBatch(SchemaVersion.CURRENT, batchId, "auto/auto/bulk", NOW, NOW,
                List.of(new BatchItem("analysis:auto:auto:quality:" + suffix + ":00000000", request,
                        List.of(new Requester("req-" + suffix, "team-it", null, null)))));
        ProviderBatchRecord pending = new ProviderBatchRecord(group, batch, "openai", "batch_" + suffix,
                List.of("gpt-4o-mini"), NOW);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>(topic, batchId, Json.write(pending))).get();
        }
    }

    /**
     * The committed results of our batch: read until {@code enough} have been seen (then a short quiet period
     * catches duplicates) or {@code within} has passed.
     */
    private List<BatchResult> readResults(Duration within, int enough) {
        return CommittedRecords.results(endpoints.kafkaBootstrap(), "it-fencing-results-" + UUID.randomUUID(),
                batchId, within, enough);
    }

    private static void await(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met within " + within).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Provider openAi() {
        return new StubProvider("openai", "gpt-4o-mini", call -> {
            throw new AssertionError("no synchronous calls here");
        });
    }
}
