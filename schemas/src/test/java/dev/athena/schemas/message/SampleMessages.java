package dev.athena.schemas.message;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One fully populated instance of every record of the contract, for round trips. */
public final class SampleMessages {
    public static final Instant T0 = Instant.parse("2026-11-30T10:15:00Z");

    private SampleMessages() {
    }

    public static AnalysisRequest fullRequest() {
        return new AnalysisRequest(SchemaVersion.CURRENT, "req-1", "team-a", AnalysisType.SECURITY, "python",
                "app/db.py", "eval(input())\n", "anthropic", "claude-sonnet-4-5", Lane.BULK,
                Map.of("maxFindings", "20", "focus", "injection"), T0.plusSeconds(300), Boolean.TRUE,
                T0.plusNanos(123_456_789), "gateway-1");
    }

    public static AnalysisRequest minimalRequest() {
        return AnalysisRequest.of("req-2", "team-b", AnalysisType.EXPLAIN, "print('hi')");
    }

    public static Finding finding() {
        return new Finding("dangerous-eval", Severity.CRITICAL, 1, "eval of untrusted input", "parse it instead");
    }

    public static Requester requester() {
        return new Requester("req-1", "team-a", "gateway-1", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    }

    public static Usage usage() {
        return new Usage(812, 95, 512, 0.0039);
    }

    public static AnalysisBatch batch() {
        return new AnalysisBatch(SchemaVersion.CURRENT, "b-1", "anthropic/claude-sonnet-4-5/bulk", T0,
                T0.plusMillis(100), List.of(new BatchItem("analysis:anthropic:claude-sonnet-4-5:security:"
                        + "0123456789abcdef:d41d8cd9", fullRequest(), List.of(requester(),
                        new Requester("req-9", "team-z", null, null)))));
    }

    public static ItemResult completedItem() {
        return new ItemResult("analysis:builtin:rules-1:security:0123456789abcdef:d41d8cd9", List.of(requester()),
                AnalysisType.SECURITY, "app/db.py", ResultStatus.COMPLETED, new ServedBy("builtin", "rules-1", true),
                List.of(finding()), "1 finding", usage(), null, true);
    }

    public static ItemResult failedItem() {
        return new ItemResult(null, List.of(requester()), null, null, ResultStatus.REJECTED, null, null, null, null,
                new ErrorInfo("EMPTY_CODE", "field 'code' must not be empty"), false);
    }

    public static BatchResult batchResult() {
        return new BatchResult(SchemaVersion.CURRENT, "b-1", "builtin/rules-1/interactive",
                List.of(completedItem(), failedItem()), T0.plusMillis(140));
    }

    public static AnalysisResult completedResult() {
        return new AnalysisResult(SchemaVersion.CURRENT, "req-1", "team-a", ResultStatus.COMPLETED,
                List.of(finding()), "1 finding", ServedBy.of("builtin", "rules-1"), false, "b-1", usage(), null,
                T0.plusMillis(140));
    }

    public static AnalysisResult rejectedResult() {
        return AnalysisResult.rejected("req-3", null, new ErrorInfo("MISSING_FIELD", "missing required field 'code'"),
                T0);
    }

    public static AnalysisChunk chunk() {
        return new AnalysisChunk(SchemaVersion.CURRENT, "req-1", 7, "partial text", true);
    }

    public static CachedAnalysis cached() {
        return new CachedAnalysis(SchemaVersion.CURRENT, "analysis:builtin:rules-1:security:0123456789abcdef:"
                + "d41d8cd9", ServedBy.of("builtin", "rules-1"), List.of(finding()), "1 finding", usage(), T0);
    }
}
