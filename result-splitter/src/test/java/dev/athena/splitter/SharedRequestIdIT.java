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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each client chooses its own request ids: two clients using the same one keep a result and a ledger row each. */
@Tag("integration")
class SharedRequestIdIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final Endpoints endpoints = SharedLocalStack.get().endpoints();
    private final TestKafka kafka = new TestKafka(endpoints.kafkaBootstrap());
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String first = "shared-a-" + run;
    private final String second = "shared-b-" + run;
    private final String id = "req-1-" + run;

    @Test
    void shouldKeepOneResultAndOneLedgerRowPerClientForTheSameRequestId() throws Exception {
        String input = "shared-id-" + run;
        kafka.createTopic(input, 1);
        SplitterSettings settings = SplitterSettings.defaults(endpoints.kafkaBootstrap(), endpoints.redisUrl(),
                endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword()).withGroupId(input)
                .withInstanceId(input).withInputTopic(input);

        try (ResultSplitter splitter = ResultSplitter.start(settings, new SimpleMeterRegistry())) {
            // the same id from two clients in one item (one question, coalesced) and, later, in items of their own
            kafka.produce(input, "b1", batch("b1", item("shared", "one finding",
                    new Requester(id, first, null, null), new Requester(id, second, null, null))));
            String later = "req-2-" + run;
            kafka.produce(input, "b2", batch("b2", item("first's", "first's own", new Requester(later, first, null,
                    null))));
            kafka.produce(input, "b3", batch("b3", item("second's", "second's own", new Requester(later, second,
                    null, null))));

            AnalysisResult secondLater = Eventually.await("the last result stored", DEADLINE,
                    () -> splitter.store().find(second, later), Optional::isPresent).orElseThrow();
            AnalysisResult firstLater = splitter.store().find(first, later).orElseThrow();
            assertThat(firstLater.clientId()).isEqualTo(first);
            assertThat(firstLater.findings()).extracting(Finding::message).containsExactly("first's own");
            assertThat(secondLater.clientId()).isEqualTo(second);
            assertThat(secondLater.findings()).extracting(Finding::message).containsExactly("second's own");
            assertThat(splitter.store().find(first, id)).as("first client's share of the coalesced item")
                    .hasValueSatisfying(r -> assertThat(r.clientId()).isEqualTo(first));
            assertThat(splitter.store().find(second, id)).as("second client's share of the coalesced item")
                    .hasValueSatisfying(r -> assertThat(r.clientId()).isEqualTo(second));
            assertThat(ledger()).containsExactlyInAnyOrder(first + " " + id + " shared=false",
                    second + " " + id + " shared=true", first + " " + later + " shared=false",
                    second + " " + later + " shared=false");
        }
    }

    private ItemResult item(String question, String finding, Requester... requesters) {
        CacheKey key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, question + " " + run, Map.of());
        return new ItemResult(key.value(), List.of(requesters), AnalysisType.SECURITY, null,
                ResultStatus.COMPLETED, ServedBy.of("builtin", "rules-1"),
                List.of(new Finding("rule", Severity.LOW, 1, finding, null)), "1 finding", new Usage(10, 1, 0, 0.01),
                null, false);
    }

    private byte[] batch(String batchId, ItemResult... items) {
        return Json.write(new BatchResult(1, batchId + "-" + run, "builtin/rules-1/bulk", List.of(items),
                Instant.now()));
    }

    private List<String> ledger() throws Exception {
        try (var conn = DriverManager.getConnection(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword());
                var ps = conn.prepareStatement("select client_id, request_id, shared from usage_ledger"
                        + " where client_id in (?, ?)")) {
            ps.setString(1, first);
            ps.setString(2, second);
            try (var rs = ps.executeQuery()) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " shared=" + rs.getBoolean(3));
                }
                return rows;
            }
        }
    }
}
