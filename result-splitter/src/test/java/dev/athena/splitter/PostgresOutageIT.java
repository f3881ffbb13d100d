package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.EmbeddedPostgres;
import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.FreePorts;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL really goes away here: a server of the test's own is stopped and started again on the same data
 * directory and port, and a splitter is pointed at a port where nothing listens.
 */
@Tag("integration")
class PostgresOutageIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String client = "pg-outage-" + run;
    private Path pgDir;
    private int pgPort;
    private EmbeddedPostgres postgres;

    @BeforeEach
    void startOwnPostgres() throws IOException {
        pgDir = Files.createTempDirectory("splitter-pg-outage-");
        pgPort = FreePorts.pick();
        postgres = EmbeddedPostgres.start(pgDir, pgPort);
    }

    @AfterEach
    void stopOwnPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> paths = Files.walk(pgDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private SplitterSettings settings(String input, String jdbcUrl) {
        return SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(), jdbcUrl, "postgres", "")
                .withGroupId("pg-outage-" + run).withInstanceId("pg-outage-" + run).withInputTopic(input);
    }

    private byte[] batch(int b, int requesters) {
        CacheKey key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "pg " + run + " " + b, Map.of());
        List<Requester> who = IntStream.range(0, requesters)
                .mapToObj(i -> new Requester("pg-" + run + "-" + b + "-" + i, client, null, null)).toList();
        ItemResult item = new ItemResult(key.value(), who, AnalysisType.SECURITY, null, ResultStatus.COMPLETED,
                ServedBy.of("builtin", "rules-1"), null, "ok", new Usage(10, 1, 0, 0.01), null, false);
        return Json.write(new BatchResult(1, "pg-" + run + "-" + b, "builtin/rules-1/bulk", List.of(item),
                Instant.now()));
    }

    @Test
    void shouldKeepDeliveringWhilePostgresIsStoppedAndCatchUpWithoutDuplicatesWhenItIsBack() throws Exception {
        String input = "pg-outage-" + run;
        kafka.createTopic(input, 2);
        var registry = new SimpleMeterRegistry();
        try (ResultSplitter splitter = ResultSplitter.start(settings(input, postgres.jdbcUrl()), registry)) {
            kafka.produce(input, "b0", batch(0, 10));
            Eventually.await("first rows", DEADLINE, this::rows, n -> n == 10);

            postgres.close();
            postgres = null;
            for (int b = 1; b <= 20; b++) {
                kafka.produce(input, "b" + b, batch(b, 5));
            }
            var delivered = kafka.readCommitted(Topics.resultsTopicName(client), r -> r.size() >= 110, DEADLINE,
                    Duration.ofSeconds(1));
            assertThat(delivered).as("Kafka delivery does not wait for PostgreSQL").hasSize(110);
            Eventually.await("persistence reports its lag", DEADLINE,
                    () -> registry.get("athena.splitter.persistence.lag").gauge().value(), lag -> lag > 0);
            assertThat(registry.get("athena.splitter.persistence.pending").gauge().value()).isPositive();
            Eventually.await("failed writes counted", DEADLINE,
                    () -> registry.get("athena.splitter.persistence.failures").counter().count(), n -> n > 0);

            postgres = EmbeddedPostgres.start(pgDir, pgPort);
            Eventually.await("rows catching up", DEADLINE, this::rows, n -> n == 110);
            assertThat(distinctRows()).isEqualTo(110);
            Eventually.await("lag back to zero", DEADLINE,
                    () -> registry.get("athena.splitter.persistence.lag").gauge().value(), lag -> lag == 0);
            assertThat(ledgerCost()).as("each provider call charged once").isEqualByComparingTo("0.21");
        }
    }

    @Test
    void shouldStartWithoutPostgresAndLeaveTheRowsForTheNextInstance() throws Exception {
        String input = "pg-absent-" + run;
        kafka.createTopic(input, 2);
        String nowhere = "jdbc:postgresql://127.0.0.1:" + FreePorts.pick() + "/postgres";
        try (ResultSplitter blind = ResultSplitter.start(settings(input, nowhere), new SimpleMeterRegistry())) {
            for (int b = 0; b < 5; b++) {
                kafka.produce(input, "b" + b, batch(b, 4));
            }
            var delivered = kafka.readCommitted(Topics.resultsTopicName(client), r -> r.size() >= 20, DEADLINE,
                    Duration.ZERO);
            assertThat(delivered).hasSize(20);
        }
        assertThat(rows()).isZero();

        try (ResultSplitter sighted = ResultSplitter.start(settings(input, postgres.jdbcUrl()),
                new SimpleMeterRegistry())) {
            Eventually.await("rows written by the next instance", DEADLINE, this::rows, n -> n == 20);
            var again = kafka.readCommitted(Topics.resultsTopicName(client), r -> false, Duration.ofSeconds(3),
                    Duration.ZERO);
            assertThat(again).as("persisting late re-delivers nothing").hasSize(20);
        }
    }

    private long rows() {
        return count("select count(*) from analysis_results where client_id = ?");
    }

    private long distinctRows() {
        return count("select count(distinct request_id) from analysis_results where client_id = ?");
    }

    private java.math.BigDecimal ledgerCost() throws Exception {
        try (var conn = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
                var ps = conn.prepareStatement("select sum(cost_usd) from usage_ledger where client_id = ?")) {
            ps.setString(1, client);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    private long count(String sql) {
        try (var conn = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
                var ps = conn.prepareStatement(sql)) {
            ps.setString(1, client);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            if (e.getMessage().contains("does not exist")) {
                return 0;
            }
            throw new IllegalStateException(e);
        }
    }
}
