package dev.athena.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Against the real broker: committed offsets against last stable offsets, transactions and missing topics. */
@Tag("integration")
class GroupLagIT {
    private final String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
    private final String topic = "lag-it-" + UUID.randomUUID();
    private final String group = "lag-it-group-" + UUID.randomUUID();
    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    private final KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lag-it-" + UUID.randomUUID(),
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    private Instant now = Instant.parse("2026-12-02T10:00:00Z");

    @AfterEach
    void close() {
        producer.close();
        admin.close();
    }

    @Test
    void shouldTellRecordsBehindAndAStallFromTheBrokersOffsets() throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        producer.initTransactions();
        writeCommitted(5);
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, 0, "k", "still open")).get();
        InstantSource clock = () -> now;
        GroupLag lag = new GroupLag(admin, Map.of(group, List.of(topic, "lag-it-missing-" + UUID.randomUUID())),
                clock);

        lag.probe(group);
        assertThat(lag.book(group).topic(topic).records())
                .as("five records and their commit marker from the log start, the open transaction not yet")
                .isEqualTo(6);
        assertThat(lag.book(group).topics()).hasSize(2);
        assertThat(lag.book(group).topic(lag.book(group).topics().get(1)).known()).as("a topic not there").isFalse();

        producer.commitTransaction();
        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3)))
                .all().get();
        now = now.plusSeconds(30);
        lag.probe(group);
        assertThat(lag.book(group).topic(topic)).isEqualTo(new LagBook.TopicLag(5, Duration.ZERO));

        writeCommitted(2);
        now = now.plusSeconds(30);
        lag.probe(group);
        now = now.plusSeconds(600);
        lag.probe(group);
        assertThat(lag.book(group).topic(topic)).as("records arrived after the group last moved, and it did not")
                .isEqualTo(new LagBook.TopicLag(8, Duration.ofSeconds(600)));

        admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(11)))
                .all().get();
        now = now.plusSeconds(30);
        lag.probe(group);
        assertThat(lag.book(group).topic(topic)).isEqualTo(new LagBook.TopicLag(0, Duration.ZERO));
    }

    @Test
    void shouldPublishTheFirstProbeAsSoonAsItStartsAndNothingOnceClosed() throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        producer.initTransactions();
        writeCommitted(3);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        String published = "athena_consumer_lag_records{group=\"" + group + "\",topic=\"" + topic + "\"} 4.0";
        // a topic name the broker refuses to describe: that group stays unknown, the other is read all the same
        Map<String, List<String>> groups = new java.util.LinkedHashMap<>();
        groups.put(group + "-bad", List.of("not a topic name!"));
        groups.put(group, List.of(topic));
        try (GroupLag lag = GroupLag.start(bootstrap, groups, registry)) {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!registry.scrape().contains(published) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(registry.scrape()).contains(published,
                    "athena_consumer_stalled_seconds{group=\"" + group + "\",topic=\"" + topic + "\"} 0.0",
                    "athena_consumer_lag_records{group=\"" + group + "-bad\",topic=\"not a topic name!\"} NaN");
        }
        assertThat(registry.scrape()).doesNotContain("athena_consumer_lag_records");
    }

    private void writeCommitted(int records) throws Exception {
        producer.beginTransaction();
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get();
        }
        producer.commitTransaction();
    }
}
