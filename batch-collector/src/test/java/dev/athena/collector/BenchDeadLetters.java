package dev.athena.collector;

import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the collector's legs turned away, read back after a run with bad requests in its input: every bad request
 * must have become exactly one dead letter, whatever the pace, or the rates measured something else.
 */
final class BenchDeadLetters {
    private static final Duration READ_AT_MOST = Duration.ofMinutes(2);

    private BenchDeadLetters() {
    }

    /**
     * The committed dead letters by their error code, checked against {@code expected} bad requests sent.
     *
     * @throws IllegalStateException when their number is not {@code expected}
     */
    static String check(String bootstrap, long expected) {
        Map<String, Long> byCode = countByCode(bootstrap);
        long total = byCode.values().stream().mapToLong(Long::longValue).sum();
        String counts = byCode.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        String summary = String.format(Locale.ROOT, "dead letters: %,d for %,d bad requests sent (%s)", total,
                expected, counts);
        if (total != expected) {
            throw new IllegalStateException("the collector's legs did not turn every bad request away exactly "
                    + "once: " + summary);
        }
        return summary;
    }

    private static Map<String, Long> countByCode(String bootstrap) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Map<String, Long> byCode = new TreeMap<>();
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.REQUESTS_DLQ).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // with read_committed the end is the last stable offset: everything the legs committed
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_AT_MOST.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("dead letters not read to their end within " + READ_AT_MOST);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Header code = record.headers().lastHeader(DeadLetterHeaders.ERROR_CODE);
                    byCode.merge(code == null ? "(no code)" : new String(code.value(), StandardCharsets.UTF_8), 1L,
                            Long::sum);
                }
            }
        }
        return byCode;
    }
}
