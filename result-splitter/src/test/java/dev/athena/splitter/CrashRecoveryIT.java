package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Tag("integration")
class CrashRecoveryIT {
    private static final Logger LOG = LoggerFactory.getLogger(CrashRecoveryIT.class);
    private static final int BATCHES = 200;
    private static final int REQUESTERS = 30;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String client = "crash-" + run;

    @Test
    void shouldDeliverEveryResultExactlyOnceWhenTheSplitterIsKilledMidTransaction() throws Exception {
        String input = "crash-it-" + run;
        String group = "crash-it-" + run;
        String instance = "crash-" + run;
        String output = Topics.resultsTopicName(client);
        kafka.createTopic(input, 3);

        // Everything is waiting before the first splitter starts, so its first transactions are thousands of
        // results long and the kill below lands inside one: the results it already wrote are left uncommitted.
        List<String> inputKeys = produceAll(input);
        // the contract is per input record: a batch the test producer wrote twice is split twice
        int expectedRecords = inputKeys.size() * REQUESTERS;
        int expected = new HashSet<>(inputKeys).size() * REQUESTERS;
        assertThat(expected).as("every batch reached the input").isEqualTo(BATCHES * REQUESTERS);
        try (SplitterProcess doomed = SplitterProcess.start(endpoints, group, instance, input,
                Path.of("target", "crash-it", "splitter-" + run + ".log"))) {
            var seen = kafka.read(output, "read_uncommitted", r -> !r.isEmpty(), DEADLINE, Duration.ZERO);
            doomed.kill();
            assertThat(seen).as("the first splitter was writing results when it died").isNotEmpty();
            LOG.info("killed splitter process {} once it had written results", doomed.pid());
        }

        SplitterSettings successor = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId(group)
                .withInstanceId(instance).withInputTopic(input);
        try (ResultSplitter splitter = ResultSplitter.start(successor, new SimpleMeterRegistry())) {
            var committed = kafka.readCommitted(output, r -> r.size() >= expectedRecords, DEADLINE,
                    Duration.ofSeconds(3));
            var everything = kafka.read(output, "read_uncommitted", r -> r.size() > expectedRecords, DEADLINE,
                    Duration.ofSeconds(1));
            LOG.info("read_committed saw {} results, read_uncommitted {} (the rest were in aborted transactions)",
                    committed.size(), everything.size());

            assertThat(distinctKeys(committed)).as("no result lost").hasSize(expected);
            assertThat(committed).as("no result twice").hasSize(expectedRecords);
            assertThat(everything.size()).as("results of the killed transaction were written, then aborted")
                    .isGreaterThan(expectedRecords);
            Eventually.await("every result in PostgreSQL once", DEADLINE, this::rowsInPostgres, n -> n == expected);
        }
    }

    /**
     * Writes every batch to the input, re-sending any that the broker refused (on a loaded machine an idempotent
     * producer can be told OutOfOrderSequence and give up), and returns what the input topic really holds.
     */
    private List<String> produceAll(String input) throws Exception {
        Map<String, Future<RecordMetadata>> sent = new LinkedHashMap<>();
        try (var producer = kafka.producer()) {
            for (int b = 0; b < BATCHES; b++) {
                String batchId = "crash-" + run + "-" + b;
                sent.put(batchId, producer.send(record(input, b, batchId)));
            }
            producer.flush();
        }
        List<Integer> refused = new ArrayList<>();
        int b = 0;
        for (var entry : sent.entrySet()) {
            try {
                entry.getValue().get();
            } catch (ExecutionException e) {
                refused.add(b);
            }
            b++;
        }
        if (!refused.isEmpty()) {
            LOG.warn("re-sending {} input batches the broker refused", refused.size());
            try (var producer = kafka.producer()) {
                for (int r : refused) {
                    producer.send(record(input, r, "crash-" + run + "-" + r)).get();
                }
            }
        }
        return kafka.read(input, "read_committed", r -> r.size() >= BATCHES, DEADLINE, Duration.ofSeconds(1))
                .stream().map(TestKafka::key).toList();
    }

    private ProducerRecord<byte[], byte[]> record(String input, int b, String batchId) {
        CacheKey key = CacheKey.of("auto", "auto", AnalysisType.QUALITY, "crash " + run + " " + b, Map.of());
        List<Requester> requesters = IntStream.range(0, REQUESTERS)
                .mapToObj(i -> new Requester("c-" + run + "-" + b + "-" + i, client, null, null)).toList();
        ItemResult item = new ItemResult(key.value(), requesters, AnalysisType.QUALITY, null,
                ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"), null, "ok", null, null, false);
        return new ProducerRecord<>(input, batchId.getBytes(StandardCharsets.UTF_8),
                Json.write(new BatchResult(1, batchId, "builtin/rules-1/bulk", List.of(item), Instant.now())));
    }

    private static Set<String> distinctKeys(List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> r) {
        Set<String> keys = new HashSet<>();
        r.forEach(record -> keys.add(TestKafka.key(record)));
        return keys;
    }

    private long rowsInPostgres() {
        try (var conn = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                var ps = conn.prepareStatement("select count(*) from analysis_results where client_id = ?")) {
            ps.setString(1, client);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
