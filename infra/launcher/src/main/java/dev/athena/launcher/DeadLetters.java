package dev.athena.launcher;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.topic.DeadLetterHeaders;
import dev.athena.schemas.topic.RequestPartitions;
import dev.athena.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.JsonNode;

/**
 * The latest records of {@link Topics#REQUESTS_DLQ}, read as an operator wants them: why each is there
 * ({@link DeadLetterHeaders}), where it came from, and whose it was. Reads without a group, so it moves nobody's
 * offsets, and only what was committed.
 */
final class DeadLetters {
    /** Values up to this size are read for the ids they carry; a larger one is named by its size only. */
    private static final int MAX_PARSED_BYTES = 64 * 1024;
    private static final Duration READ_WITHIN = Duration.ofSeconds(15);

    /** One dead letter; {@code clientId} and {@code requestId} are null where the record does not tell them. */
    record Entry(Instant time, String code, String message, String source, String clientId, String requestId,
            String key, int bytes, String truncated) {
    }

    private DeadLetters() {
    }

    /** The {@code limit} newest dead letters, oldest first. */
    static List<Entry> latest(String bootstrap, int limit) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "athena-cli-dlq"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.REQUESTS_DLQ).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
            long deadline = System.nanoTime() + READ_WITHIN.toNanos();
            // dead letters are written in transactions, so commit markers (and aborted records) take offsets too:
            // read back twice as far as asked, then further while too few came and there is more to read
            for (long back = 2L * limit; ; back *= 4) {
                List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
                for (TopicPartition partition : partitions) {
                    consumer.seek(partition, Math.max(starts.get(partition), ends.get(partition) - back));
                }
                while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))
                        && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                }
                long reach = back;
                boolean fromStart = partitions.stream().allMatch(p -> ends.get(p) - reach <= starts.get(p));
                if (read.size() >= limit || fromStart || System.nanoTime() >= deadline) {
                    return read.stream().sorted(Comparator.comparingLong(ConsumerRecord<byte[], byte[]>::timestamp))
                            .skip(Math.max(0, read.size() - limit)).map(DeadLetters::entry).toList();
                }
            }
        }
    }

    private static Entry entry(ConsumerRecord<byte[], byte[]> record) {
        String clientId = header(record, RequestPartitions.CLIENT_ID_HEADER);
        String requestId = null;
        JsonNode value = readable(record.value());
        if (value != null) {
            clientId = clientId != null ? clientId : text(value, "clientId");
            requestId = text(value, "requestId");
        }
        String topic = header(record, DeadLetterHeaders.SOURCE_TOPIC);
        String source = topic == null ? null : topic + "-" + header(record, DeadLetterHeaders.SOURCE_PARTITION) + "@"
                + header(record, DeadLetterHeaders.SOURCE_OFFSET);
        return new Entry(Instant.ofEpochMilli(record.timestamp()), header(record, DeadLetterHeaders.ERROR_CODE),
                header(record, DeadLetterHeaders.ERROR_MESSAGE), source, clientId, requestId,
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? 0 : record.value().length, header(record, DeadLetterHeaders.TRUNCATED));
    }

    private static JsonNode readable(byte[] value) {
        if (value == null || value.length > MAX_PARSED_BYTES) {
            return null;
        }
        try {
            JsonNode tree = Json.tree(value);
            return tree != null && tree.isObject() ? tree : null;
        } catch (JsonContractException e) {
            return null; // not JSON is often why it is here
        }
    }

    private static String text(JsonNode value, String field) {
        JsonNode node = value.get(field);
        return node != null && node.isString() ? node.asString() : null;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
