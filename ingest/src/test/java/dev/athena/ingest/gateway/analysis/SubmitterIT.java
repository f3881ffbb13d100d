package dev.athena.ingest.gateway.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.ingest.gateway.store.GatewayMigrations;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.RejectionReason;
import dev.athena.schemas.validation.RequestDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key retries across a failed send, on the real PostgreSQL and broker: one gateway cannot reach Kafka,
 * the client retries on another that can (both share the database, as gateway instances do).
 */
@Tag("integration")
class SubmitterIT {
    private static final byte[] BODY = "{\"analysisType\":\"security\",\"code\":\"x = 1\\n\",\"language\":\"python\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final HikariDataSource dataSource = new HikariDataSource();
    private final String client = "submit-it-" + UUID.randomUUID().toString().substring(0, 8);

    SubmitterIT() {
        dataSource.setJdbcUrl(endpoints.jdbcUrl());
        dataSource.setUsername(endpoints.dbUser());
        dataSource.setPassword(endpoints.dbPassword());
        GatewayMigrations.migrate(dataSource);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    @Test
    void shouldSendTheClaimedIdWhenAKeyIsRetriedAfterAFailedSend() {
        String key = UUID.randomUUID().toString();
        try (var unreachable = producer("127.0.0.1:1"); var reachable = producer(endpoints.kafkaBootstrap())) {
            Submitter cut = submitter(unreachable, Duration.ofMillis(500));
            assertThatThrownBy(() -> cut.submit(client, BODY, key, null))
                    .isInstanceOf(KafkaUnavailableException.class);

            SubmitOutcome retried = submitter(reachable, Duration.ofSeconds(10)).submit(client, BODY, key, null);
            assertThat(retried).isInstanceOf(SubmitOutcome.Accepted.class);
            SubmitOutcome.Accepted accepted = (SubmitOutcome.Accepted) retried;
            assertThat(accepted.replay()).as("the id claimed by the failed attempt").isTrue();
            assertThat(cut.owns(client, accepted.requestId())).isTrue();
            assertThat(requestsOnTheTopic(accepted.requestId())).isEqualTo(1);

            SubmitOutcome again = submitter(reachable, Duration.ofSeconds(10)).submit(client, BODY, key, null);
            assertThat(((SubmitOutcome.Accepted) again).requestId()).isEqualTo(accepted.requestId());
            assertThat(requestsOnTheTopic(accepted.requestId())).as("known to be sent: not sent again").isEqualTo(1);
        }
    }

    @Test
    void shouldForgetAnIdNobodyLearntWhenASendWithoutKeyFails() {
        try (var unreachable = producer("127.0.0.1:1")) {
            Submitter cut = submitter(unreachable, Duration.ofMillis(500));
            assertThatThrownBy(() -> cut.submit(client, BODY, null, null))
                    .isInstanceOf(KafkaUnavailableException.class);
        }
        assertThat(claims()).isZero();
    }

    @Test
    void shouldRefuseAPastDeadlineASlashInTheRouteAndAnUnknownProviderAtOnceAndKeepNoClaim() {
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        byte[] late = ("{\"analysisType\":\"security\",\"code\":\"x = 1\\n\",\"deadline\":\"" + now.minusSeconds(1)
                + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] slashed = "{\"analysisType\":\"security\",\"code\":\"x = 1\\n\",\"model\":\"a/b\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] misspelt = "{\"analysisType\":\"security\",\"code\":\"x = 1\\n\",\"provider\":\"open-ai\"}"
                .getBytes(StandardCharsets.UTF_8);
        try (var reachable = producer(endpoints.kafkaBootstrap())) {
            Submitter cut = new Submitter(reachable, dataSource, RequestDecoder.ofDefaults(), () -> now,
                    Duration.ofSeconds(10));

            SubmitOutcome pastDeadline = cut.submit(client, late, UUID.randomUUID().toString(), null);
            SubmitOutcome unroutable = cut.submit(client, slashed, null, null);
            SubmitOutcome unknownProvider = cut.submit(client, misspelt, UUID.randomUUID().toString(), null);

            assertThat(pastDeadline).isInstanceOfSatisfying(SubmitOutcome.Invalid.class, invalid -> {
                assertThat(invalid.rejection().reason()).isEqualTo(RejectionReason.DEADLINE_PASSED);
                assertThat(invalid.rejection().field()).isEqualTo("deadline");
                assertThat(invalid.rejection().message()).contains("2026-12-03T11:59:59Z", "had already passed");
            });
            assertThat(unroutable).isInstanceOfSatisfying(SubmitOutcome.Invalid.class, invalid -> {
                assertThat(invalid.rejection().reason()).isEqualTo(RejectionReason.INVALID_FIELD);
                assertThat(invalid.rejection().message()).contains("must not contain '/'");
            });
            assertThat(unknownProvider).isInstanceOfSatisfying(SubmitOutcome.Invalid.class, invalid -> {
                assertThat(invalid.rejection().reason()).isEqualTo(RejectionReason.INVALID_FIELD);
                assertThat(invalid.rejection().field()).isEqualTo("provider");
                assertThat(invalid.rejection().message()).contains("('open-ai') must be one of anthropic, openai");
            });
        }
        assertThat(claims()).as("nothing claimed for refused requests").isZero();
    }

    @Test
    void shouldAnswerARetryWithItsRequestAfterTheDeadlinePassed() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
        byte[] body = ("{\"analysisType\":\"security\",\"code\":\"x = 1\\n\",\"deadline\":\""
                + now.get().plusSeconds(30) + "\"}").getBytes(StandardCharsets.UTF_8);
        String key = UUID.randomUUID().toString();
        try (var reachable = producer(endpoints.kafkaBootstrap())) {
            Submitter cut = new Submitter(reachable, dataSource, RequestDecoder.ofDefaults(), now::get,
                    Duration.ofSeconds(10));
            SubmitOutcome first = cut.submit(client, body, key, null);
            now.set(now.get().plusSeconds(60));

            SubmitOutcome retried = cut.submit(client, body, key, null);

            assertThat(first).isInstanceOf(SubmitOutcome.Accepted.class);
            assertThat(retried).isInstanceOfSatisfying(SubmitOutcome.Accepted.class, replay -> {
                assertThat(replay.replay()).isTrue();
                assertThat(replay.requestId()).isEqualTo(((SubmitOutcome.Accepted) first).requestId());
            });
        }
    }

    private int claims() {
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
                "select count(*) from gateway_submissions where client_id = ?")) {
            ps.setString(1, client);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private Submitter submitter(KafkaProducer<String, byte[]> producer, Duration sendTimeout) {
        return new Submitter(producer, dataSource, RequestDecoder.ofDefaults(), Clock.systemUTC(), sendTimeout);
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 500, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Records on the request topic keyed by this request id (read from the start, for a few seconds). */
    private int requestsOnTheTopic(String requestId) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "submitter-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.REQUESTS));
            List<String> found = new ArrayList<>();
            Instant until = Instant.now().plusSeconds(5);
            while (Instant.now().isBefore(until)) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (requestId.equals(r.key())) {
                        found.add(r.key());
                    }
                });
            }
            return found.size();
        }
    }
}
