package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cancel.Cancellation;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisCancellation;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.Topics;
import dev.athena.workers.cancel.CancellationIntake;
import dev.athena.workers.cancel.CancellationRecorder;
import dev.athena.workers.config.ProviderCatalog;
import dev.athena.workers.metrics.WorkerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.slf4j.LoggerFactory;

/**
 * Cancellations written by a plain Kafka producer to {@code athena.cancellations}: recorded where the workers look,
 * so the cancelled requester gets CANCELLED; broken ones in the DLQ with the reason; none lost while Redis refuses.
 */
@Tag("integration")
class KafkaCancellationIT {
    private static final String ROUTE = "builtin/rules-1/interactive";
    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void shouldCancelARequesterFromKafkaAndDeadLetterWhatBreaksTheContract() throws Exception {
        String client = "team-kc-" + run;
        String cancelled = "req-x-" + run;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkerSettings settings = WorkerSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl())
                .withGroupId("it-kc-" + run);
        RedissonClient redis = redis();
        try (ProviderWorkers ignored = ProviderWorkers.start(settings, registry, ProviderCatalog.fromEnvironment(
                Map.of()));
                KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.CANCELLATIONS, cancelled,
                    Json.write(AnalysisCancellation.of(client, cancelled)))).get();
            producer.send(new ProducerRecord<>(Topics.CANCELLATIONS, "bad-" + run, utf8("{not json"))).get();
            producer.send(new ProducerRecord<>(Topics.CANCELLATIONS, "noclient-" + run,
                    utf8("{\"schemaVersion\":1,\"requestId\":\"r-" + run + "\"}"))).get();

            String key = Cancellation.key(client, cancelled);
            assertThat(eventually(Duration.ofSeconds(30),
                    () -> redis.getBucket(key, StringCodec.INSTANCE).isExists())).as("recorded in Redis").isTrue();
            assertThat(redis.getBucket(key, StringCodec.INSTANCE).remainTimeToLive())
                    .isGreaterThan(Duration.ofHours(23).toMillis());

            Map<String, ConsumerRecord<String, byte[]>> dead = deadLetters(List.of("bad-" + run, "noclient-" + run));
            assertThat(header(dead.get("bad-" + run), DeadLetterHeaders.ERROR_CODE)).isEqualTo("INVALID_JSON");
            assertThat(new String(dead.get("bad-" + run).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(header(dead.get("noclient-" + run), DeadLetterHeaders.ERROR_CODE)).isEqualTo("MISSING_FIELD");
            assertThat(header(dead.get("noclient-" + run), DeadLetterHeaders.ERROR_MESSAGE))
                    .isEqualTo("missing required field 'clientId'");
            assertThat(header(dead.get("noclient-" + run), DeadLetterHeaders.SOURCE_TOPIC))
                    .isEqualTo(Topics.CANCELLATIONS);

            String batchId = "it-kc-batch-" + run;
            BatchTopic.send(endpoints.kafkaBootstrap(), ROUTE,
                    utf8(batchJson(batchId, client, cancelled, "req-y-" + run)));
            List<BatchResult> results = CommittedRecords.results(endpoints.kafkaBootstrap(), "it-kc-results-" + run,
                    batchId, Duration.ofSeconds(90), 1);
            assertThat(results).hasSize(1);
            List<ItemResult> items = results.getFirst().items();
            assertThat(items).filteredOn(item -> item.status() == ResultStatus.CANCELLED).singleElement()
                    .satisfies(item -> assertThat(item.requesters()).extracting(r -> r.requestId())
                            .containsExactly(cancelled));
            assertThat(items).filteredOn(item -> item.status() == ResultStatus.COMPLETED).singleElement()
                    .satisfies(item -> assertThat(item.requesters()).extracting(r -> r.requestId())
                            .containsExactly("req-y-" + run));
            assertThat(registry.get(WorkerMetrics.CANCELLATIONS).tag("outcome", "recorded").counter().count())
                    .isGreaterThanOrEqualTo(1);
            assertThat(registry.get(WorkerMetrics.CANCELLATIONS).tag("outcome", "refused").counter().count())
                    .isGreaterThanOrEqualTo(2);
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void shouldLoseNoCancellationWhileTheRecorderRefuses() throws Exception {
        List<String> recorded = new CopyOnWriteArrayList<>();
        AtomicInteger refusals = new AtomicInteger();
        CancellationRecorder flaky = (client, requestId) -> {
            if (requestId.endsWith(run) && refusals.getAndIncrement() < 3) {
                throw new IllegalStateException("Redis away");
            }
            recorded.add(client + "/" + requestId);
        };
        CancellationIntake intake = intake("it-kc-flaky-" + run, producerConfig(), flaky, new SimpleMeterRegistry());
        Thread thread = Thread.ofPlatform().start(intake);
        List<String> wanted = new ArrayList<>();
        try (KafkaProducer<String, byte[]> kafka = producer()) {
            for (int i = 0; i < 5; i++) {
                String requestId = "req-" + i + "-" + run;
                wanted.add("team-f/" + requestId);
                kafka.send(new ProducerRecord<>(Topics.CANCELLATIONS, requestId,
                        Json.write(AnalysisCancellation.of("team-f", requestId)))).get();
            }
            assertThat(eventually(Duration.ofSeconds(30),
                    () -> recorded.stream().filter(wanted::contains).distinct().count() == wanted.size()))
                    .as("every cancellation recorded once the recorder takes them").isTrue();
            assertThat(refusals.get()).isGreaterThanOrEqualTo(4);
            assertThat(recorded.stream().filter(wanted::contains).toList()).containsExactlyInAnyOrderElementsOf(wanted);
        } finally {
            assertThat(intake.stop(Duration.ofSeconds(10))).isTrue();
            thread.join(10_000);
        }
        assertThat(intake.failure()).isNull();
    }

    @Test
    void shouldDeadLetterAFloodOfBrokenCancellationsWithoutALineEachAndRecordTheGoodOneBehindIt() throws Exception {
        String key = "flood-" + run;
        int broken = 2_000;
        List<String> recorded = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CancellationIntake intake = intake("it-kc-flood-" + run, producerConfig(),
                (client, requestId) -> recorded.add(client + "/" + requestId), registry);
        Logger logger = (Logger) LoggerFactory.getLogger(CancellationIntake.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        Thread thread = Thread.ofPlatform().name("intake-" + key).start(intake);
        try (KafkaProducer<String, byte[]> kafka = producer()) {
            for (int i = 0; i < broken; i++) {
                byte[] value = i % 2 == 0 ? utf8("{not json " + i)
                        : utf8("{\"schemaVersion\":1,\"requestId\":\"r-" + i + "-" + run + "\"}");
                kafka.send(new ProducerRecord<>(Topics.CANCELLATIONS, key, value));
            }
            kafka.send(new ProducerRecord<>(Topics.CANCELLATIONS, key,
                    Json.write(AnalysisCancellation.of("team-flood", "req-after-" + run)))).get();

            assertThat(eventually(Duration.ofSeconds(60), () -> recorded.contains("team-flood/req-after-" + run)))
                    .as("the cancellation behind the flood recorded").isTrue();
            assertThat(deadLetterValues(key, values -> values.size() >= broken)).as("one dead letter per broken record")
                    .hasSize(broken);
        } finally {
            assertThat(intake.stop(Duration.ofSeconds(10))).isTrue();
            thread.join(10_000);
            logger.detachAppender(lines);
        }
        double refused = registry.get(WorkerMetrics.CANCELLATIONS).tag("outcome", "refused").counter().count();
        assertThat(refused).isGreaterThanOrEqualTo(broken); // and any broken ones earlier tests left on the topic
        List<String> told = lines.list.stream().filter(line -> line.getThreadName().equals("intake-" + key))
                .filter(line -> line.getLevel() == Level.INFO).map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(told).as("the first refusal at once, the rest counted when the intake stops").hasSize(2);
        assertThat(told.getFirst()).startsWith("rejected cancellation of request");
        assertThat(told.get(1)).startsWith((long) refused - 1 + " more rejected (")
                .contains("INVALID_JSON").contains("MISSING_FIELD").endsWith(Topics.REQUESTS_DLQ);
        assertThat(intake.failure()).isNull();
    }

    @Test
    void shouldReadAPartitionAgainFromTheBrokenCancellationTheDlqDidNotTake() throws Exception {
        String key = "untaken-" + run;
        String small = "{not json, small " + run;
        String large = "{not json, large " + "x".repeat(4_000) + run;
        String after = "{not json, after " + run;
        Map<String, Object> tooSmallForTheLarge = new HashMap<>(producerConfig());
        tooSmallForTheLarge.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000);
        List<String> recorded = new CopyOnWriteArrayList<>();
        String group = "it-kc-untaken-" + run;
        CancellationIntake first = intake(group, tooSmallForTheLarge,
                (client, requestId) -> recorded.add(client + "/" + requestId), new SimpleMeterRegistry());
        Thread thread = Thread.ofPlatform().start(first);
        try (KafkaProducer<String, byte[]> kafka = producer()) {
            kafka.send(new ProducerRecord<>(Topics.CANCELLATIONS, key, utf8(small)));
            kafka.send(new ProducerRecord<>(Topics.CANCELLATIONS, key, utf8(large)));
            kafka.send(new ProducerRecord<>(Topics.CANCELLATIONS, key,
                    Json.write(AnalysisCancellation.of("team-u", "req-u-" + run))));
            kafka.send(new ProducerRecord<>(Topics.CANCELLATIONS, key, utf8(after))).get();
            // the good one is recorded on every pass; the large dead letter fails on every pass, so it is read again
            String good = "team-u/req-u-" + run;
            assertThat(eventually(Duration.ofSeconds(30),
                    () -> recorded.stream().filter(good::equals).count() >= 3)).as("read again").isTrue();
        } finally {
            assertThat(first.stop(Duration.ofSeconds(10))).isTrue();
            thread.join(10_000);
        }
        assertThat(first.failure()).isNull();

        CancellationIntake second = intake(group, producerConfig(), (client, requestId) -> { },
                new SimpleMeterRegistry());
        Thread again = Thread.ofPlatform().start(second);
        try {
            List<String> dead = deadLetterValues(key, found -> {
                List<String> values = texts(found);
                return values.contains(large) && values.lastIndexOf(after) > values.indexOf(large);
            });
            assertThat(dead).as("the small one once: it was committed before the large one").containsOnlyOnce(small);
            assertThat(dead).as("the large one once, by the second intake").containsOnlyOnce(large);
            // the one after the large one was sent on each pass of the first intake, and again by the second
            assertThat(dead.subList(dead.indexOf(large), dead.size())).containsExactly(large, after);
            assertThat(dead.subList(0, dead.indexOf(large))).startsWith(small, after).containsOnly(small, after);
        } finally {
            assertThat(second.stop(Duration.ofSeconds(10))).isTrue();
            again.join(10_000);
        }
    }

    private CancellationIntake intake(String group, Map<String, Object> producer, CancellationRecorder recorder,
            SimpleMeterRegistry registry) {
        Map<String, Object> consumer = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new CancellationIntake(
                new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer()), recorder,
                new WorkerMetrics(registry));
    }

    private Map<String, Object> producerConfig() {
        return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    }

    /** The dead letters keyed {@code key}, as text, in order, read until {@code enough} holds (and a quiet period). */
    private List<String> deadLetterValues(String key, Predicate<List<ConsumerRecord<String, byte[]>>> enough) {
        return texts(CommittedRecords.records(endpoints.kafkaBootstrap(), "it-kc-dlq-" + key, Topics.REQUESTS_DLQ,
                record -> key.equals(record.key()), enough, Duration.ofSeconds(60)));
    }

    private static List<String> texts(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(record -> new String(record.value(), StandardCharsets.UTF_8)).toList();
    }

    private Map<String, ConsumerRecord<String, byte[]>> deadLetters(List<String> keys) {
        Map<String, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : CommittedRecords.records(endpoints.kafkaBootstrap(),
                "it-kc-dlq-" + run, Topics.REQUESTS_DLQ, record -> keys.contains(record.key()),
                picked -> picked.stream().map(ConsumerRecord::key).distinct().count() == keys.size(),
                Duration.ofSeconds(30))) {
            found.put(record.key(), record);
        }
        assertThat(found).as("dead letters").containsOnlyKeys(keys);
        return found;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap()),
                new StringSerializer(), new ByteArraySerializer());
    }

    private RedissonClient redis() {
        Config config = new Config();
        config.useSingleServer().setAddress(endpoints.redisUrl());
        return Redisson.create(config);
    }

    /** A batch of two items: one asked by {@code cancelled}, one by {@code other}, each question its own. */
    private static String batchJson(String batchId, String client, String cancelled, String other) {
        String now = Instant.now().toString();
        return """
                {"schemaVersion":1,"batchId":"%s","route":"%s","windowStart":"%s","windowEnd":"%s","items":[
                 {"cacheKey":"analysis:auto:auto:security:%s:00000000",
                  "request":{"schemaVersion":1,"requestId":"%s","clientId":"%s","analysisType":"security",
                             "code":"eval(input()) # %s\\n","lane":"interactive"},
                  "requesters":[{"requestId":"%s","clientId":"%s"}]},
                 {"cacheKey":"analysis:auto:auto:quality:%s:00000000",
                  "request":{"schemaVersion":1,"requestId":"%s","clientId":"%s","analysisType":"quality",
                             "code":"x = 1 # %s\\n","lane":"interactive"},
                  "requesters":[{"requestId":"%s","clientId":"%s"}]}]}
                """.formatted(batchId, ROUTE, now, now, hex(cancelled), cancelled, client, cancelled, cancelled,
                client, hex(other), other, client, other, other, client);
    }

    private static boolean eventually(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private static String hex(String seed) {
        return String.format("%016x", seed.hashCode() & 0xffffffffL);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
