package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.topic.TopicProvisioner;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.schemas.topic.TransactionCommit;
import dev.athena.workers.CommittedRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A commit that times out, on the real broker: a producer that may block for no time at all times out on every
 * transactional call that needs the broker, the commit included, which is retried until it is known.
 */
@Tag("integration")
class TransactionCommitIT {
    @Test
    void shouldCommitATransactionWhoseCommitTimedOut() throws Exception {
        String bootstrap = SharedLocalStack.get().endpoints().kafkaBootstrap();
        String topic = "athena.test.commit-timeout-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin).ensure(List.of(new TopicSpec(topic, 1, Map.of())));
        }
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "commit-timeout-" + UUID.randomUUID(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer())) {
            untilNoTimeout(producer::initTransactions);
            untilNoTimeout(() -> producer.partitionsFor(topic));
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed".getBytes()));

            int attempts = TransactionCommit.commit(producer, Duration.ofSeconds(30));

            assertThat(attempts).as("the first commit must have timed out").isGreaterThan(1);
        }
        try (var consumer = CommittedRecords.consumer(bootstrap, "commit-timeout-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            List<String> seen = new ArrayList<>();
            Instant deadline = Instant.now().plusSeconds(30);
            while (seen.isEmpty() && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(new String(r.value())));
            }
            assertThat(seen).containsExactly("committed");
        }
    }

    private static void untilNoTimeout(Runnable call) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                call.run();
                return;
            } catch (TimeoutException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(10);
            }
        }
    }
}
