package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.Endpoints;
import dev.athena.infra.stack.SharedLocalStack;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Results PostgreSQL cannot store as they are must not stop persistence of everything after them. */
@Tag("integration")
class UnstorableResultIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String client = "unstorable-" + run;

    @Test
    void shouldStoreAResultWithANulAndSkipOnlyRowsPostgresRefusesSoLaterResultsAreStored() throws Exception {
        String input = "unstorable-" + run;
        kafka.createTopic(input, 1);
        var registry = new SimpleMeterRegistry();
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId("unstorable-" + run)
                .withInstanceId("unstorable-" + run).withInputTopic(input);

        try (ResultSplitter splitter = ResultSplitter.start(settings, registry)) {
            // a model answer quoting a NUL: jsonb refuses the escape Jackson writes for it
            ItemResult withNul = item("nul", List.of(new Finding("odd-byte", Severity.LOW, 3, "a NUL\0 here", null)),
                    new Usage(10, 1, 0, 0.01), "req-nul-" + run);
            // a cost beyond numeric(18, 8): the result row stores, its ledger row never can
            ItemResult hugeCost = item("cost", List.of(), new Usage(10, 1, 0, 1e12), "req-cost-" + run);
            // a request id with a NUL: no row of it can ever be stored
            ItemResult nulId = item("id", List.of(), new Usage(10, 1, 0, 0.01), "req-id-\0-" + run);
            kafka.produce(input, "b1", batch("b1", withNul, hugeCost, nulId));
            kafka.produce(input, "b2", batch("b2",
                    item("later", List.of(), new Usage(10, 1, 0, 0.02), "req-later-" + run)));

            AnalysisResult later = Eventually.await("the later, unrelated result", DEADLINE,
                    () -> splitter.store().find(client, "req-later-" + run), Optional::isPresent).orElseThrow();
            assertThat(later.status()).isEqualTo(ResultStatus.COMPLETED);
            AnalysisResult nul = splitter.store().find(client, "req-nul-" + run).orElseThrow();
            assertThat(nul.findings()).extracting(Finding::message).containsExactly("a NUL\uFFFD here");
            assertThat(splitter.store().find(client, "req-cost-" + run)).as("the row that could be stored")
                    .isPresent();
            assertThat(ledgerRequests()).containsExactlyInAnyOrder("req-nul-" + run, "req-later-" + run);
            assertThat(registry.get("athena.splitter.persistence.refused").counter().count())
                    .as("the ledger row of the huge cost, both rows of the NUL id").isEqualTo(3);
            Eventually.await("nothing left pending", DEADLINE,
                    () -> registry.get("athena.splitter.persistence.pending").gauge().value(), n -> n == 0);
        }
    }

    private ItemResult item(String name, List<Finding> findings, Usage usage, String requestId) {
        CacheKey key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, name + " " + run, Map.of());
        return new ItemResult(key.value(), List.of(new Requester(requestId, client, null, null)),
                AnalysisType.SECURITY, null, ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"), findings,
                findings.size() + " findings", usage, null, false);
    }

    private byte[] batch(String id, ItemResult... items) {
        return Json.write(new BatchResult(1, id + "-" + run, "builtin/rules-1/bulk", List.of(items), Instant.now()));
    }

    private List<String> ledgerRequests() throws Exception {
        try (var conn = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                var ps = conn.prepareStatement("select request_id from usage_ledger where client_id = ?")) {
            ps.setString(1, client);
            try (var rs = ps.executeQuery()) {
                List<String> out = new java.util.ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }
}
