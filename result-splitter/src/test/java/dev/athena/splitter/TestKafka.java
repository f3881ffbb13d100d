package dev.athena.splitter;

import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for tests: what a worker produces and what a client reads, nothing of ours in between. */
final class TestKafka {
    private final String bootstrap;

    TestKafka(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /**
     * Creates a topic and waits until every partition has a leader: producing into a topic whose leaders are not
     * yet known makes an idempotent producer meet NOT_LEADER and then OutOfOrderSequence on retry.
     */
    void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin).ensure(new TopicSpec(name, partitions, Map.of()));
            Eventually.await("leaders of " + name, Duration.ofSeconds(30), () -> {
                try {
                    return admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().stream()
                            .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
                } catch (Exception e) {
                    return false;
                }
            }, ok -> ok);
        }
        try (var producer = producer()) {
            producer.partitionsFor(name);
        }
    }

    KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(p);
    }

    void produce(String topic, String key, byte[] value) {
        try (var producer = producer()) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
            producer.flush();
        }
    }

    KafkaConsumer<byte[], byte[]> consumer(String topic, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        var consumer = new KafkaConsumer<byte[], byte[]>(p);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /**
     * Reads a topic (read_committed) until {@code done} holds for what was read, or the deadline passes, and then
     * for {@code settle} longer, so that an unwanted extra record would be seen too.
     */
    List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration deadline, Duration settle) {
        return read(topic, "read_committed", done, deadline, settle);
    }

    List<ConsumerRecord<byte[], byte[]>> read(String topic, String isolation,
            Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration deadline, Duration settle) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var consumer = consumer(topic, isolation)) {
            long until = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < until && !done.test(out)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            long settleUntil = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < settleUntil) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }
}
