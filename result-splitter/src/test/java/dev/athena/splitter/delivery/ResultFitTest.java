package dev.athena.splitter.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResultFitTest {
    private static final String TOPIC = "athena.results.team-a";
    private static final Instant AT = Instant.parse("2026-12-02T06:00:00Z");

    @Test
    void shouldSendAResultThatFitsAsItWasWritten() {
        AnalysisResult result = completed(findings(10), "10 findings");
        byte[] whole = Json.write(result);

        ResultFit.Fitted fitted = ResultFit.fit(result, whole, whole.length, TOPIC);

        assertThat(fitted.cut()).isFalse();
        assertThat(fitted.value()).isSameAs(whole);
        assertThat(fitted.findingsKept()).isEqualTo(10);
    }

    @Test
    void shouldKeepTheMostSevereFindingsThatFitAndSayWhereTheWholeResultIs() {
        // severities cycle info, low, medium, high, critical: the most severe are spread through the list
        AnalysisResult result = completed(findings(500), "500 findings");
        byte[] whole = Json.write(result);
        int maxBytes = whole.length / 4;

        ResultFit.Fitted fitted = ResultFit.fit(result, whole, maxBytes, TOPIC);

        assertThat(fitted.cut()).isTrue();
        assertThat(fitted.value().length).isLessThanOrEqualTo(maxBytes);
        AnalysisResult sent = Json.read(fitted.value(), AnalysisResult.class);
        assertThat(sent.findings()).hasSize(fitted.findingsKept()).hasSizeBetween(100, 125);
        // the 100 critical findings first, in their order, then high ones
        assertThat(sent.findings().subList(0, 100)).allMatch(f -> f.severity() == Severity.CRITICAL);
        assertThat(sent.findings().subList(100, sent.findings().size())).allMatch(f -> f.severity() == Severity.HIGH);
        assertThat(sent.findings().get(0).line()).isEqualTo(5);
        assertThat(sent.findings().get(1).line()).isEqualTo(10);
        // one more would not have fitted: the most that fit were kept
        AnalysisResult oneMore = new AnalysisResult(sent.schemaVersion(), sent.requestId(), sent.clientId(),
                sent.status(), findingsBySeverity(result, sent.findings().size() + 1), sent.summary(),
                sent.servedBy(), sent.cached(), sent.batchId(), sent.usage(), sent.error(), sent.completedAt());
        assertThat(Json.write(oneMore).length).isGreaterThan(maxBytes);
        assertThat(sent.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(sent.requestId()).isEqualTo("req-1");
        assertThat(sent.clientId()).isEqualTo("team-a");
        assertThat(sent.servedBy()).isEqualTo(ServedBy.of("builtin", "rules-1"));
        assertThat(sent.batchId()).isEqualTo("batch-1");
        assertThat(sent.usage()).isEqualTo(result.usage());
        assertThat(sent.summary()).isEqualTo("500 findings");
        assertThat(sent.error().code()).isEqualTo(ErrorInfo.RESULT_TRUNCATED);
        assertThat(sent.error().message()).contains(whole.length + " bytes", maxBytes + " ", TOPIC,
                "the " + sent.findings().size() + " most severe of its 500 findings", "GET /v1/analyses/req-1");
    }

    @Test
    void shouldCutALongSummaryAndKeepAFailedResultsOwnErrorCode() {
        String huge = "x".repeat(50_000);
        AnalysisResult failed = new AnalysisResult(1, "req-2", "team-a", ResultStatus.FAILED, List.of(), huge,
                null, false, "batch-2", Usage.NONE, new ErrorInfo("PROVIDER_DOWN", huge + "\uD83D\uDE00"), AT);
        byte[] whole = Json.write(failed);

        ResultFit.Fitted fitted = ResultFit.fit(failed, whole, 4_000, TOPIC);

        AnalysisResult sent = Json.read(fitted.value(), AnalysisResult.class);
        assertThat(fitted.value().length).isLessThanOrEqualTo(4_000);
        assertThat(sent.status()).isEqualTo(ResultStatus.FAILED);
        assertThat(sent.error().code()).isEqualTo("PROVIDER_DOWN");
        assertThat(sent.error().message()).hasSize(ResultFit.MAX_TEXT).endsWith("...");
        assertThat(sent.summary()).hasSize(ResultFit.MAX_TEXT).startsWith("xxx").endsWith("...");
    }

    @Test
    void shouldNeverEndACutTextOnHalfASurrogatePair() {
        // a smiley (two chars) straddles the cut: it goes whole, not halved
        String text = "y".repeat(ResultFit.MAX_TEXT - 4) + "\uD83D\uDE00".repeat(100);
        AnalysisResult result = completed(findings(0), text);
        byte[] whole = Json.write(result);

        AnalysisResult sent = Json.read(ResultFit.fit(result, whole, whole.length - 1, TOPIC).value(),
                AnalysisResult.class);

        assertThat(sent.summary()).isEqualTo("y".repeat(ResultFit.MAX_TEXT - 4) + "...");
        assertThat(sent.error().message()).contains("its summary is cut to " + ResultFit.MAX_TEXT + " characters");
    }

    @Test
    void shouldGiveUpOnlyWhenNotEvenAResultWithoutFindingsFits() {
        AnalysisResult result = completed(findings(50), "50 findings");
        byte[] whole = Json.write(result);

        assertThat(ResultFit.fit(result, whole, 200, TOPIC)).isNull();
        ResultFit.Fitted bare = ResultFit.fit(result, whole, 700, TOPIC);
        assertThat(bare.findingsKept()).isZero();
        assertThat(Json.read(bare.value(), AnalysisResult.class).findings()).isEmpty();
    }

    private static AnalysisResult completed(List<Finding> findings, String summary) {
        return new AnalysisResult(1, "req-1", "team-a", ResultStatus.COMPLETED, findings, summary,
                ServedBy.of("builtin", "rules-1"), false, "batch-1", new Usage(1_000, 200, 0, 0.01), null, AT);
    }

    /** Finding i (line i) has severity info, low, medium, high, critical in turn: line 5 is the first critical. */
    private static List<Finding> findings(int count) {
        Severity[] cycle = {Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL};
        return IntStream.rangeClosed(1, count).mapToObj(i -> new Finding("rule-" + i, cycle[(i - 1) % 5], i,
                "problem " + i + " " + "m".repeat(60), "fix " + i)).toList();
    }

    private static List<Finding> findingsBySeverity(AnalysisResult result, int count) {
        return result.findings().stream().sorted(java.util.Comparator.comparing(Finding::severity)).limit(count)
                .toList();
    }
}
