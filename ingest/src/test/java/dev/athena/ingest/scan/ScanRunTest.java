package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.scan.ChangeDetector.Changes;
import dev.athena.ingest.scan.ChangeDetector.Unchanged;
import dev.athena.ingest.scan.RepositoryWalker.Walk;
import dev.athena.ingest.scan.ScanReport.SkippedFile;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.validation.AskedRoute;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanRunTest {
    private static final ScanSettings SETTINGS = ScanSettings.of(Path.of("repo"), "team-a", "127.0.0.1:9092",
            "jdbc:postgresql://127.0.0.1/x", "u", "p");

    /** Without the code in memory, an unchanged file's cache key comes from its digest and must be the same. */
    @Test
    void shouldKeyAnUnchangedFileByItsDigestAsItsCodeWouldBeKeyed() {
        String code = "print('unchanged')\n";
        SourceFile file = new SourceFile("a.py", RepositoryWalker.sha256(code.getBytes(StandardCharsets.UTF_8)),
                "python", Path.of("repo/a.py"));
        AnalysisResult earlier = new AnalysisResult(SchemaVersion.CURRENT, "r-1", "team-a", ResultStatus.COMPLETED,
                List.of(), "none", null, false, "b-1", null, null, Instant.now());
        ScanRun run = new ScanRun(SETTINGS, "s-1", Instant.now());
        run.detected(new Walk(List.of(file), List.of()), new Changes(List.of(), List.of(new Unchanged(file,
                new FileState("a.py", file.sha256(), Asked.by(SETTINGS), "r-1", "s-0", earlier), earlier)), List.of()));

        List<FileOutcome> outcomes = run.outcomes();

        assertThat(outcomes).singleElement().extracting(FileOutcome::cacheKey).isEqualTo(CacheKey.of(
                AnalysisRequest.AUTO, AnalysisRequest.AUTO, SETTINGS.type(), code, Map.of()).value());
    }

    @Test
    void shouldKeyAnUnchangedFileByTheProviderAndModelItWasAskedOf() {
        String code = "print('unchanged')\n";
        SourceFile file = new SourceFile("a.py", RepositoryWalker.sha256(code.getBytes(StandardCharsets.UTF_8)),
                "python", Path.of("repo/a.py"));
        ScanSettings settings = SETTINGS.withRoute(new AskedRoute("openai", "gpt-4o"));
        AnalysisResult earlier = new AnalysisResult(SchemaVersion.CURRENT, "r-1", "team-a", ResultStatus.COMPLETED,
                List.of(), "none", null, false, "b-1", null, null, Instant.now());
        ScanRun run = new ScanRun(settings, "s-1", Instant.now());
        run.detected(new Walk(List.of(file), List.of()), new Changes(List.of(), List.of(new Unchanged(file,
                new FileState("a.py", file.sha256(), Asked.by(settings), "r-1", "s-0", earlier), earlier)), List.of()));

        assertThat(run.outcomes()).singleElement().extracting(FileOutcome::cacheKey).isEqualTo(CacheKey.of(
                "openai", "gpt-4o", settings.type(), code, Map.of()).value());
    }

    @Test
    void shouldCountTheAnswersOfAStandInApart() {
        SourceFile a = new SourceFile("a.py", "aa", "python", Path.of("repo/a.py"));
        SourceFile b = new SourceFile("b.py", "bb", "python", Path.of("repo/b.py"));
        ScanRun run = new ScanRun(SETTINGS, "s-3", Instant.now());
        run.detected(new Walk(List.of(a, b), List.of()), new Changes(List.of(a, b), List.of(), List.of()));
        var requestA = AnalysisRequest.of("r-a", "team-a", SETTINGS.type(), "print(1)");
        var requestB = AnalysisRequest.of("r-b", "team-a", SETTINGS.type(), "print(2)");
        run.submitted(List.of(ScanRun.Submission.of(a, requestA), ScanRun.Submission.of(b, requestB)));
        run.collected(Map.of("r-a", new AnalysisResult(SchemaVersion.CURRENT, "r-a", "team-a",
                ResultStatus.COMPLETED, List.of(), "none", new ServedBy("builtin", "rules-1", true), false, "b-1",
                null, null, Instant.now()), "r-b", new AnalysisResult(SchemaVersion.CURRENT, "r-b", "team-a",
                ResultStatus.COMPLETED, List.of(), "none", ServedBy.of("openai", "gpt-4o"), false, "b-1", null, null,
                Instant.now())));

        ScanReport report = run.report(run.outcomes(), Path.of("r.sarif"), Path.of("r.md"));

        assertThat(report.completed()).isEqualTo(2);
        assertThat(report.degraded()).isEqualTo(1);
    }

    @Test
    void shouldReadTheStartOfAScanFromItsIdAndKeepReplyTopicsADayOrTwiceTheTimeout() {
        Instant at = Instant.parse("2026-11-30T08:09:10Z");
        String scanId = RepositoryScan.newScanId(java.time.Clock.fixed(at, java.time.ZoneOffset.UTC));
        assertThat(RepositoryScan.scanStart(scanId)).contains(at);
        assertThat(RepositoryScan.scanStart("handmade")).isEmpty();
        assertThat(RepositoryScan.scanStart("2026113xt080910-abcdef")).isEmpty();
        assertThat(RepositoryScan.replyTopicsKept(SETTINGS.withTimeout(java.time.Duration.ofMinutes(30))))
                .isEqualTo(java.time.Duration.ofDays(1));
        assertThat(RepositoryScan.replyTopicsKept(SETTINGS.withTimeout(java.time.Duration.ofHours(20))))
                .isEqualTo(java.time.Duration.ofHours(40));
    }

    @Test
    void shouldReportFilesThatCouldNotBeReadAgainWithThoseTheWalkSkipped() {
        ScanRun run = new ScanRun(SETTINGS, "s-2", Instant.now());
        run.detected(new Walk(List.of(), List.of(new SkippedFile("z.bin", "binary"))),
                new Changes(List.of(), List.of(), List.of()));
        run.skippedLate(new SkippedFile("a.py", "unreadable: NoSuchFileException"));

        ScanReport report = run.report(run.outcomes(), Path.of("r.sarif"), Path.of("r.md"));

        assertThat(report.skipped()).containsExactly(new SkippedFile("a.py", "unreadable: NoSuchFileException"),
                new SkippedFile("z.bin", "binary"));
    }
}
