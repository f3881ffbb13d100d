package dev.athena.launcher.bench;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.LocalStack;
import dev.athena.infra.stack.StackOptions;
import dev.athena.infra.stack.TempDirectories;
import dev.athena.launcher.PipelineServices;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end latency of one request through the whole pipeline (request topic → collector → workers → splitter
 * → client topic, three exactly-once hops) beside the baseline of one plain Kafka produce → consume round trip
 * on the same broker in the same run. Requests go one at a time so the figure is latency, not queueing.
 *
 * <p>Run: {@code ./mvnw -q -pl infra/launcher -am -DskipTests install && ./mvnw -q -pl infra/launcher
 * exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.athena.launcher.bench.EndToEndLatencyBenchmark
 * -Dexec.args="200"} (argument: requests per phase, at most 2000).
 */
public final class EndToEndLatencyBenchmark {
    private EndToEndLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = Math.min(2000, args.length > 0 ? Integer.parseInt(args[0]) : 200);
        Path dir = Files.createTempDirectory("athena-bench-");
        try (LocalStack stack = LocalStack.start(StackOptions.fromEnvironment(dir, 0))) {
            Endpoints endpoints = stack.endpoints();
            try (PipelineServices services = PipelineServices.start(endpoints, dir.resolve("state"),
                    new SimpleMeterRegistry())) {
                String baselineTopic = "bench.roundtrip";
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        endpoints.kafkaBootstrap()))) {
                    new TopicProvisioner(admin).ensure(new TopicSpec(baselineTopic, 1, Map.of()));
                }
                String client = "bench-" + UUID.randomUUID().toString().substring(0, 8);
                // warm both paths up, then measure them alternately so machine noise hits both alike
                int warmUp = Math.max(20, count / 10);
                measure(endpoints, baselineTopic, warmUp);
                measurePipeline(endpoints, client, 0, warmUp, false);
                int nextQuestion = warmUp;
                for (int round = 1; round <= 2; round++) {
                    long[] baseline = measure(endpoints, baselineTopic, count / 2);
                    long[] pipeline = measurePipeline(endpoints, client, nextQuestion, count / 2, false);
                    // the same questions again: each answered from the cache by the collector, no worker involved
                    long[] cached = measurePipeline(endpoints, client, nextQuestion, count / 2, true);
                    nextQuestion += count / 2;
                    System.out.printf("round %d  kafka round trip: %s%n", round, summary(baseline));
                    System.out.printf("round %d  pipeline end-to-end: %s%n", round, summary(pipeline));
                    System.out.printf("round %d  cache hit end-to-end: %s%n", round, summary(cached));
                }
            }
        } finally {
            TempDirectories.deleteTree(dir);
        }
        System.exit(0);
    }

    /** Plain produce → consume of a 1 KiB value, acks=all, read_committed consumer assigned to the topic. */
    private static long[] measure(Endpoints endpoints, String topic, int count) throws Exception {
        byte[] value = new byte[1024];
        long[] nanos = new long[count];
        try (var producer = producer(endpoints); var consumer = consumer(endpoints)) {
            var partition = new TopicPartition(topic, 0);
            consumer.assign(java.util.List.of(partition));
            consumer.seekToEnd(java.util.List.of(partition));
            consumer.position(partition);
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, "k" + i, value)).get();
                while (consumer.poll(Duration.ofMillis(50)).isEmpty()) {
                    Thread.onSpinWait();
                }
                nanos[i] = System.nanoTime() - start;
            }
        }
        return nanos;
    }

    /**
     * Questions {@code first} to {@code first + count - 1}: a question number always means the same code, so a
     * question asked again is answered from the cache, which {@code cached} says to expect (else it stops).
     */
    private static long[] measurePipeline(Endpoints endpoints, String client, int first, int count,
            boolean cached) throws Exception {
        String topic = Topics.resultsTopicName(client);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                endpoints.kafkaBootstrap()))) {
            new TopicProvisioner(admin).ensure(Topics.resultsFor(client));
        }
        long[] nanos = new long[count];
        Map<String, Long> started = new ConcurrentHashMap<>();
        try (var producer = producer(endpoints); var consumer = consumer(endpoints)) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            for (int i = 0; i < count; i++) {
                // distinct code for each new question number: no cache hit, no coalescing, a real analysis
                String code = "def handler_" + (first + i) + "(u):\n    return db.execute(\"SELECT * FROM t WHERE a='\" + u + \"'\")\n";
                AnalysisRequest request = AnalysisRequest.of(UUID.randomUUID().toString(), client,
                        AnalysisType.SECURITY, code);
                started.put(request.requestId(), System.nanoTime());
                producer.send(new ProducerRecord<>(Topics.REQUESTS, request.requestId(), Json.write(request))).get();
                boolean done = false;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!done && System.nanoTime() < deadline) {
                    for (var record : consumer.poll(Duration.ofMillis(20))) {
                        AnalysisResult result = Json.read(record.value(), AnalysisResult.class);
                        if (result.requestId().equals(request.requestId())) {
                            if (result.cached() != cached) {
                                throw new IllegalStateException("question " + (first + i) + " was "
                                        + (result.cached() ? "" : "not ") + "answered from the cache");
                            }
                            nanos[i] = System.nanoTime() - started.get(result.requestId());
                            done = true;
                        }
                    }
                }
                if (!done) {
                    throw new IllegalStateException("no result for request " + i + " within 30 s");
                }
            }
        }
        return nanos;
    }

    private static KafkaProducer<String, byte[]> producer(Endpoints endpoints) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(Endpoints endpoints) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", sorted.length,
                ms(sorted, 0.50), ms(sorted, 0.90), ms(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double quantile) {
        int index = Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
