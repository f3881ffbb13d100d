package dev.athena.ingest.scan;

import dev.athena.ingest.scan.ScanReport.PendingFile;
import dev.athena.ingest.scan.ScanReport.SkippedFile;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A small scan's worth of outcomes for the report writers' tests. */
final class Reports {
    static final ScanContext CONTEXT = new ScanContext("20261130t101500-abc123", "payments", Path.of("/repos/payments"),
            new Asked(AnalysisType.SECURITY, "auto", "auto"), Instant.parse("2026-11-30T10:15:00Z"),
            Instant.parse("2026-11-30T10:16:00Z"));

    private Reports() {
    }

    static AnalysisResult completed(String requestId, Finding... findings) {
        return new AnalysisResult(SchemaVersion.CURRENT, requestId, "team-payments", ResultStatus.COMPLETED,
                List.of(findings), findings.length + " finding(s)", ServedBy.of("builtin", "rules-1"), false, "b-1",
                null, null, Instant.parse("2026-11-30T10:15:30Z"));
    }

    static AnalysisResult failed(String requestId) {
        return new AnalysisResult(SchemaVersion.CURRENT, requestId, "team-payments", ResultStatus.FAILED, List.of(),
                null, null, false, "b-1", null, new ErrorInfo("PROVIDER_UNAVAILABLE", "all providers failed"),
                Instant.parse("2026-11-30T10:15:30Z"));
    }

    /** A result the splitter cut to fit its client's topic: completed, with the most severe findings only. */
    static AnalysisResult cut(String requestId, Finding... findings) {
        return new AnalysisResult(SchemaVersion.CURRENT, requestId, "team-payments", ResultStatus.COMPLETED,
                List.of(findings), "9000 findings", ServedBy.of("builtin", "rules-1"), false, "b-1", null,
                new ErrorInfo("RESULT_TRUNCATED", "it holds the 1 most severe of its 9000 findings"),
                Instant.parse("2026-11-30T10:15:30Z"));
    }

    static List<FileOutcome> outcomes() {
        return List.of(
                new FileOutcome("app/db.py", "r-1", "analysis:auto:auto:security:0123456789abcdef:d41d8cd9", true,
                        completed("r-1",
                                new Finding("sql-injection", Severity.HIGH, 2, "SQL built by string concatenation",
                                        "use a parameterised query"),
                                new Finding("hardcoded-secret", Severity.CRITICAL, 7, "password in source", null))),
                new FileOutcome("app/util file.py", "r-2", "analysis:auto:auto:security:fedcba9876543210:d41d8cd9",
                        false, completed("r-2", new Finding("weak-hash", Severity.MEDIUM, 0, "md5 used", null))),
                new FileOutcome("app/slow.py", "r-3", "analysis:auto:auto:security:1111111111111111:d41d8cd9", true,
                        null),
                new FileOutcome("app/broken.py", "r-4", "analysis:auto:auto:security:2222222222222222:d41d8cd9", true,
                        failed("r-4")));
    }

    static List<SkippedFile> skipped() {
        return List.of(new SkippedFile("assets/logo.png", "binary"),
                new SkippedFile("data/dump.sql", "oversize: 300000 bytes > 262144"));
    }

    static ScanReport report() {
        Map<Severity, Integer> findings = new EnumMap<>(Severity.class);
        findings.put(Severity.CRITICAL, 1);
        findings.put(Severity.HIGH, 1);
        findings.put(Severity.MEDIUM, 1);
        return new ScanReport(CONTEXT.scanId(), "payments", 4, 1, 3, 1, 1, 0, 1, 12, 0, findings, skipped(),
                List.of(new PendingFile("app/slow.py", "r-3")), Path.of("/r/report.sarif.json"),
                Path.of("/r/summary.md"));
    }
}
