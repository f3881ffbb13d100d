package dev.athena.workers.execution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import dev.athena.schemas.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultSizeTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final Usage PAID = new Usage(1200, 300, 0, 0.0081);

    @Test
    void shouldKeepAResultThatFits() {
        BatchResult result = result(3, 2);

        ResultSize.Sized sized = ResultSize.fitting(result, Json.write(result).length);
        assertThat(sized.batchId()).isEqualTo(result.batchId());
        assertThat(sized.json()).as("the result itself").isEqualTo(Json.write(result));
        assertThat(ResultSize.fitting(result).json()).isEqualTo(Json.write(result));
    }

    @Test
    void shouldFailEveryItemOfAResultTooLargeInOneResultThatFits() {
        BatchResult result = result(4, 200); // each item's findings are what make it large
        int size = Json.write(result).length;
        int limit = size / 2;

        ResultSize.Sized sized = ResultSize.fitting(result, limit);
        BatchResult fitted = Json.read(sized.json(), BatchResult.class);

        assertThat(sized.json().length).isLessThanOrEqualTo(limit);
        assertThat(sized.batchId()).isEqualTo(result.batchId());
        assertThat(fitted.batchId()).isEqualTo(result.batchId());
        assertThat(fitted.route()).isEqualTo(result.route());
        assertThat(fitted.items()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            ItemResult before = result.items().get(i);
            ItemResult after = fitted.items().get(i);
            assertThat(after.status()).isEqualTo(ResultStatus.FAILED);
            assertThat(after.error().code()).isEqualTo("RESULT_TOO_LARGE");
            assertThat(after.error().message()).contains(String.valueOf(size)).contains(String.valueOf(limit));
            assertThat(after.findings()).isEmpty();
            // every requester still gets its one result, and the spend stays on the ledger
            assertThat(after.requesters()).isEqualTo(before.requesters());
            assertThat(after.cacheKey()).isEqualTo(before.cacheKey());
            assertThat(after.path()).isEqualTo(before.path());
            assertThat(after.servedBy()).isEqualTo(before.servedBy());
            assertThat(after.usage()).isEqualTo(PAID);
            assertThat(after.cached()).isFalse();
        }
    }

    @Test
    void shouldDropTheDetailsWhenEvenTheFailedResultWouldNotFit() {
        BatchResult result = result(40, 3);
        // nothing fits one byte: this is the compact form; a little more room fits it, but not the detailed one
        int limit = ResultSize.fitting(result, 1).json().length + 40 * 8;

        BatchResult fitted = Json.read(ResultSize.fitting(result, limit).json(), BatchResult.class);

        assertThat(fitted.items()).hasSize(40).allSatisfy(item -> {
            assertThat(item.status()).isEqualTo(ResultStatus.FAILED);
            assertThat(item.error().code()).isEqualTo("RESULT_TOO_LARGE");
            assertThat(item.requesters()).hasSize(2);
            assertThat(item.path()).isNull();
            assertThat(item.servedBy()).isNull();
        });
        assertThat(Json.write(fitted).length).isLessThanOrEqualTo(limit);
    }

    @Test
    void shouldLeaveRoomUnderTheTopicLimitForKeyAndFraming() {
        assertThat(ResultSize.MAX_RESULT_BYTES).isLessThan(Topics.MAX_RECORD_BYTES)
                .isGreaterThan(Topics.MAX_RECORD_BYTES - 128 * 1024);
    }

    private static BatchResult result(int items, int findingsPerItem) {
        List<ItemResult> out = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            List<Finding> findings = new ArrayList<>();
            for (int f = 0; f < findingsPerItem; f++) {
                findings.add(new Finding("sql-injection", Severity.HIGH, f + 1,
                        "SQL built by string concatenation in a rather long explanation " + f,
                        "use a parameterised query"));
            }
            out.add(new ItemResult("analysis:openai:gpt-4o-mini:security:0123456789abcde" + i + ":00000000",
                    List.of(new Requester("r" + i + "a", "team-a", null, null),
                            new Requester("r" + i + "b", "team-b", "athena.results.team-b", null)),
                    AnalysisType.SECURITY, "app/db" + i + ".py", ResultStatus.COMPLETED,
                    ServedBy.of("openai", "gpt-4o-mini"), findings, findingsPerItem + " findings", PAID, null, false));
        }
        return new BatchResult(SchemaVersion.CURRENT, "batch-1", "openai/gpt-4o-mini/interactive", out, NOW);
    }
}
