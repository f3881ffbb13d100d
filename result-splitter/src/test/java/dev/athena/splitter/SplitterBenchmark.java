package dev.athena.splitter;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.Topics;
import dev.athena.splitter.delivery.KafkaConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Results per second through the splitter (fan-out, transactions, cache writes, PostgreSQL on), beside a plain
 * Kafka transactional consume-produce loop that writes the same number of records of the same size to the same
 * number of topics, on the same broker in the same run. Both are timed from the first input record produced to
 * the last output record visible to a read_committed consumer; the splitter also reports when the last row
 * reached PostgreSQL.
 *
 * <pre>./mvnw -q -pl result-splitter test-compile exec:exec@bench -Dbench.batches=2000 -Dbench.requesters=3 -Dbench.rounds=3</pre>
 */
public final class SplitterBenchmark {
    private static final Duration DEADLINE = Duration.ofMinutes(5);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final int batches;
    private final int requesters;

    private SplitterBenchmark(int batches, int requesters) {
        this.batches = batches;
        this.requesters = requesters;
    }

    public static void main(String[] args) throws Exception {
        int batches = Integer.getInteger("bench.batches", 2000);
        int requesters = Integer.getInteger("bench.requesters", 3);
        int rounds = Integer.getInteger("bench.rounds", 3);
        SplitterBenchmark bench = new SplitterBenchmark(batches, requesters);
        System.out.printf("batches=%d requesters/batch=%d results/round=%d rounds=%d cpus=%d%n", batches, requesters,
                batches * requesters, rounds, Runtime.getRuntime().availableProcessors());
        for (int round = 1; round <= rounds; round++) {
            long baseline = bench.baseline();
            long[] splitter = bench.splitter();
            int results = batches * requesters;
            System.out.printf("round %d  kafka consume-produce: %6d ms  %8.0f records/s%n", round, baseline,
                    results * 1000.0 / baseline);
            System.out.printf("round %d  result splitter:       %6d ms  %8.0f results/s  (all rows in PostgreSQL"
                    + " after %d ms: %.0f rows/s)%n", round, splitter[0], results * 1000.0 / splitter[0],
                    splitter[1], results * 1000.0 / splitter[1]);
        }
        System.exit(0);
    }

    private List<byte[]> inputs(String run, List<String> clients) {
        List<byte[]> out = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            int batch = b;
            CacheKey key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "bench " + run + " " + b, Map.of());
            List<Requester> who = IntStream.range(0, requesters).mapToObj(i -> new Requester(
                    "bench-" + run + "-" + batch + "-" + i, clients.get(i % clients.size()), null,
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).toList();
            ItemResult item = new ItemResult(key.value(), who, AnalysisType.SECURITY, "src/app.py",
                    ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"),
                    List.of(new Finding("sql-injection", Severity.HIGH, 2, "SQL built by string concatenation",
                            "use a parameterised query")), "1 finding", new Usage(120, 40, 0, 0.001), null, false);
            out.add(Json.write(new BatchResult(1, "bench-" + run + "-" + b, "builtin/rules-1/bulk", List.of(item),
                    Instant.now())));
        }
        return out;
    }

    private List<String> clients(String run) {
        return IntStream.range(0, Math.min(requesters, 3)).mapToObj(i -> "bench-" + run + "-c" + i).toList();
    }

    /** The plain loop: read a record, write {@code requesters} records of its size, commit offsets in the txn. */
    private long baseline() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "bench-base-in-" + run;
        List<String> outputs = clients(run).stream().map(Topics::resultsTopicName).toList();
        kafka.createTopic(input, 6);
        outputs.forEach(t -> kafka.createTopic(t, 3));
        List<byte[]> records = inputs(run, clients(run));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread loop = new Thread(() -> copyLoop(input, outputs, running), "bench-baseline-loop");
        loop.start();
        try (var reader = reader(outputs)) {
            return timeUntilRead(input, records, reader, outputs.size());
        } finally {
            running.set(false);
            loop.join();
        }
    }

    private void copyLoop(String input, List<String> outputs, AtomicBoolean running) {
        String id = "bench-base-" + UUID.randomUUID();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(KafkaConfigs.consumer(endpoints.kafkaBootstrap(), id,
                id)); var producer = new KafkaProducer<byte[], byte[]>(KafkaConfigs.transactionalProducer(
                        endpoints.kafkaBootstrap(), id))) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            while (running.get()) {
                var polled = consumer.poll(Duration.ofMillis(100));
                if (polled.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    for (int i = 0; i < requesters; i++) {
                        producer.send(new ProducerRecord<>(outputs.get(i % outputs.size()), r.key(), r.value()));
                    }
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        }
    }

    /** @return {time until every result was readable, time until every row was in PostgreSQL} */
    private long[] splitter() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "bench-split-in-" + run;
        List<String> clients = clients(run);
        List<String> outputs = clients.stream().map(Topics::resultsTopicName).toList();
        kafka.createTopic(input, 6);
        outputs.forEach(t -> kafka.createTopic(t, 3));
        List<byte[]> records = inputs(run, clients);
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("bench-" + run)
                .withInstanceId("bench-" + run).withInputTopic(input);
        try (ResultSplitter splitter = ResultSplitter.start(settings, new SimpleMeterRegistry());
                var reader = reader(outputs)) {
            long start = System.nanoTime();
            long delivered = timeUntilRead(input, records, reader, outputs.size());
            long until = start + DEADLINE.toNanos();
            while (rows(clients) < (long) batches * requesters) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("rows did not reach PostgreSQL in time");
                }
                Thread.sleep(50);
            }
            return new long[] {delivered, (System.nanoTime() - start) / 1_000_000};
        }
    }

    private KafkaConsumer<byte[], byte[]> reader(List<String> topics) {
        var consumer = kafka.consumer(topics.get(0), "read_committed");
        consumer.subscribe(topics);
        long until = System.nanoTime() + DEADLINE.toNanos();
        while (consumer.assignment().size() < topics.size() * 3 && System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }

    private long timeUntilRead(String input, List<byte[]> records, KafkaConsumer<byte[], byte[]> reader,
            int topics) {
        long expected = (long) batches * requesters;
        long start = System.nanoTime();
        try (var producer = kafka.producer()) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(input, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        records.get(i)));
            }
            producer.flush();
        }
        long seen = 0;
        long until = start + DEADLINE.toNanos();
        while (seen < expected) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("saw only " + seen + " of " + expected + " outputs");
            }
            seen += reader.poll(Duration.ofMillis(50)).count();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private long rows(List<String> clients) throws Exception {
        try (var conn = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                var ps = conn.prepareStatement("select count(*) from analysis_results where client_id = any (?)")) {
            ps.setArray(1, conn.createArrayOf("text", clients.toArray()));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
