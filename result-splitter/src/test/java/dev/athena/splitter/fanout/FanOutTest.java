package dev.athena.splitter.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanOutTest {
    private static final Instant DONE = Instant.parse("2026-11-30T10:15:00.140Z");
    private static final Instant NOW = Instant.parse("2026-11-30T11:00:00Z");
    private static final String KEY = "analysis:auto:auto:security:0123456789abcdef:01234567";

    static ItemResult completed(List<Requester> requesters) {
        return new ItemResult(KEY, requesters, AnalysisType.SECURITY, "app/db.py", ResultStatus.COMPLETED,
                ServedBy.of("builtin", "rules-1"), List.of(new Finding("sql-injection", Severity.HIGH, 2,
                        "SQL built by string concatenation", "use a parameterised query")),
                "1 finding", new Usage(10, 5, 0, 0.25), null, false);
    }

    @Test
    void shouldGiveEachCoalescedRequesterItsOwnResult() {
        var requesters = List.of(new Requester("r-a", "team-a", null, "00-aaa-01"),
                new Requester("r-b", "team-b", null, null), new Requester("r-c", "team-c", null, null));
        byte[] bytes = Json.write(new BatchResult(1, "b-1", "builtin/rules-1/interactive",
                List.of(completed(requesters)), DONE));

        SplitBatch split = FanOut.split(bytes, NOW);

        assertThat(split.problems()).isEmpty();
        assertThat(split.deliveries()).extracting(Delivery::topic).containsExactly("athena.results.team-a",
                "athena.results.team-b", "athena.results.team-c");
        assertThat(split.deliveries()).extracting(Delivery::requestId).containsExactly("r-a", "r-b", "r-c");
        assertThat(split.deliveries()).extracting(Delivery::clientId).containsExactly("team-a", "team-b", "team-c");
        assertThat(split.deliveries()).extracting(Delivery::bearsCost).containsExactly(true, false, false);
        assertThat(split.deliveries().get(0).traceparent()).isEqualTo("00-aaa-01");
        assertThat(split.deliveries().get(1).traceparent()).isNull();
        AnalysisResult first = split.deliveries().get(0).result();
        assertThat(first.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(first.batchId()).isEqualTo("b-1");
        assertThat(first.servedBy()).isEqualTo(ServedBy.of("builtin", "rules-1"));
        assertThat(first.findings()).hasSize(1);
        assertThat(first.summary()).isEqualTo("1 finding");
        assertThat(first.usage().costUsd()).isEqualTo(0.25);
        assertThat(first.completedAt()).isEqualTo(DONE);
    }

    @Test
    void shouldNotLeakOtherRequestersIdsIntoAResult() {
        var requesters = List.of(new Requester("secret-a", "team-a", null, null),
                new Requester("secret-b", "team-b", null, null));
        byte[] bytes = Json.write(new BatchResult(1, "b-2", "r", List.of(completed(requesters)), DONE));

        SplitBatch split = FanOut.split(bytes, NOW);

        String forB = new String(Json.write(split.deliveries().get(1).result()), StandardCharsets.UTF_8);
        assertThat(forB).contains("secret-b", "team-b").doesNotContain("secret-a").doesNotContain("team-a");
    }

    @Test
    void shouldPassRejectionsThroughWithTheirError() {
        var rejected = new ItemResult(null, List.of(new Requester("r-x", "team-x", null, null)), null, null,
                ResultStatus.REJECTED, null, null, null, null, new ErrorInfo("EMPTY_CODE", "field 'code' is empty"),
                false);
        SplitBatch split = FanOut.split(Json.write(new BatchResult(1, "b-3", "r", List.of(rejected), null)), NOW);

        AnalysisResult result = split.deliveries().get(0).result();
        assertThat(result.status()).isEqualTo(ResultStatus.REJECTED);
        assertThat(result.error().code()).isEqualTo("EMPTY_CODE");
        assertThat(result.completedAt()).as("no completedAt on the batch: the split time").isEqualTo(NOW);
    }

    @Test
    void shouldTreatUnreadableBytesAsPoison() {
        assertThat(FanOut.split("not json".getBytes(StandardCharsets.UTF_8), NOW).isPoison()).isTrue();
        assertThat(FanOut.split(null, NOW).isPoison()).isTrue();
        assertThat(FanOut.split("{\"items\":[]}".getBytes(StandardCharsets.UTF_8), NOW).isPoison()).isTrue();
    }

    @Test
    void shouldFailTheRequestersOfAMalformedItemAndKeepTheOtherItems() {
        String json = """
                {"schemaVersion":1,"batchId":"b-4","items":[
                  {"status":"COMPLETED","requesters":[{"requestId":"r-bad","clientId":"team-a"}]},
                  {"status":"FAILED","requesters":[{"requestId":"r-ok","clientId":"team-b"}],
                   "error":{"code":"PROVIDER_DOWN","message":"all providers failed"}}
                ]}""";
        SplitBatch split = FanOut.split(json.getBytes(StandardCharsets.UTF_8), NOW);

        assertThat(split.problems()).singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(SplitBatch.Problem.Kind.ITEM));
        assertThat(split.deliveries()).extracting(Delivery::requestId).containsExactly("r-bad", "r-ok");
        assertThat(split.deliveries().get(0).result().status()).isEqualTo(ResultStatus.FAILED);
        assertThat(split.deliveries().get(0).result().error().code()).isEqualTo(FanOut.INVALID_ITEM);
        assertThat(split.deliveries().get(1).result().error().code()).isEqualTo("PROVIDER_DOWN");
    }

    @Test
    void shouldSkipOnlyTheRequesterWhoseClientIdCannotBeAddressed() {
        var requesters = List.of(new Requester("r-1", "bad client", null, null),
                new Requester("r-2", "team-b", null, null));
        SplitBatch split = FanOut.split(Json.write(new BatchResult(1, "b-5", "r", List.of(completed(requesters)),
                DONE)), NOW);

        assertThat(split.deliveries()).extracting(Delivery::requestId).containsExactly("r-2");
        assertThat(split.deliveries().get(0).bearsCost()).isTrue();
        assertThat(split.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(SplitBatch.Problem.Kind.REQUESTER);
            assertThat(p.message()).contains("r-1");
        });
    }

    @Test
    void shouldSplitTheSameBytesToTheSameResults() {
        byte[] bytes = Json.write(new BatchResult(1, "b-6", "r",
                List.of(completed(List.of(new Requester("r-1", "team-a", null, null)))), null));
        assertThat(FanOut.split(bytes, NOW).deliveries()).isEqualTo(FanOut.split(bytes, NOW).deliveries());
    }
}
