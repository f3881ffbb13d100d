package dev.athena.collector;

import dev.athena.schemas.json.JsonSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients for integration tests: raw JSON bytes in, read_committed records out. */
final class KafkaProbe {
    private KafkaProbe() {
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    static <T> KafkaConsumer<String, T> consumer(String bootstrap, String topic, Class<T> type) {
        var consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "collector-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), JsonSerde.of(type));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Polls until {@code enough} holds for what matched {@code mine}, or the deadline passes. */
    static <T> List<T> pollUntil(KafkaConsumer<String, T> consumer, Predicate<T> mine, Predicate<List<T>> enough,
            Duration timeout) {
        List<T> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(timeout);
        while (!enough.test(seen) && Instant.now().isBefore(deadline)) {
            for (var record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() != null && mine.test(record.value())) {
                    seen.add(record.value());
                }
            }
        }
        return seen;
    }
}
