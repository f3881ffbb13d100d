package dev.athena.workers;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the workers committed, read as a downstream read_committed consumer reads it. */
public final class CommittedRecords {
    /** After the last result wanted, how long to keep reading so that a duplicate would still be seen. */
    private static final Duration QUIET = Duration.ofSeconds(3);

    private CommittedRecords() {
    }

    /** A read_committed consumer from the earliest offset, committing only when asked; not yet subscribed. */
    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /**
     * Commits {@code group}'s offsets at the end of {@code topic}: a new group would start at the earliest record,
     * this one starts after what other tests left on the topic.
     */
    public static void startGroupAtEnd(String bootstrap, String group, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, group)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            partitions.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(consumer.position(tp))));
            consumer.commitSync(offsets);
        }
    }

    /**
     * Every committed result of one batch that appears within {@code within}; once {@code enough} have been
     * seen it reads on for a quiet period, so a duplicate cannot slip by unseen.
     */
    public static List<BatchResult> results(String bootstrap, String group, String batchId, Duration within,
            int enough) {
        return records(bootstrap, group, Topics.BATCH_RESULTS, record -> batchId.equals(record.key()),
                found -> found.size() >= enough, within).stream()
                .map(record -> Json.read(record.value(), BatchResult.class)).toList();
    }

    /**
     * The committed records of {@code topic} that {@code wanted} picks, in order, read for at most {@code within};
     * once the records picked so far are {@code enough}, it reads on for a quiet period after each one more, so a
     * duplicate cannot slip by unseen.
     */
    public static List<ConsumerRecord<String, byte[]>> records(String bootstrap, String group, String topic,
            Predicate<ConsumerRecord<String, byte[]>> wanted,
            Predicate<List<ConsumerRecord<String, byte[]>>> enough, Duration within) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, group)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + within.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
                    if (wanted.test(record)) {
                        found.add(record);
                        if (enough.test(found)) {
                            quietUntil = System.nanoTime() + QUIET.toNanos();
                        }
                    }
                }
            }
        }
        return found;
    }
}
