package dev.athena.ingest.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.scan.ScanReport.PendingFile;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryWriterTest {

    @Test
    void shouldCountFilesAndFindingsPerSeverity() {
        String md = SummaryWriter.render(Reports.CONTEXT, Reports.report(), Reports.outcomes());

        assertThat(md).startsWith("# Athena scan of payments")
                .contains("| scanned | 4 |", "| unchanged (previous results kept) | 1 |", "| submitted | 3 |",
                        "| completed | 1 |", "| failed | 1 |", "| pending | 1 |", "| skipped | 2 |",
                        "| left out by .gitignore (files, and folders not entered) | 12 |")
                .contains("| critical | 1 |", "| high | 1 |", "| medium | 1 |", "| low | 0 |", "| info | 0 |");
    }

    @Test
    void shouldListTopFindingsMostSevereFirst() {
        String md = SummaryWriter.render(Reports.CONTEXT, Reports.report(), Reports.outcomes());

        int critical = md.indexOf("| critical | `app/db.py:7` | hardcoded-secret |");
        int high = md.indexOf("| high | `app/db.py:2` | sql-injection | SQL built by string concatenation |");
        int medium = md.indexOf("| medium | `app/util file.py` | weak-hash |");
        assertThat(critical).isPositive();
        assertThat(high).isGreaterThan(critical);
        assertThat(medium).isGreaterThan(high);
    }

    @Test
    void shouldSayWhatWasAskedAndWhoAnsweredHowManyFiles() {
        ScanContext named = new ScanContext(Reports.CONTEXT.scanId(), "payments", Path.of("/repos/payments"),
                new Asked(AnalysisType.SECURITY, "deepseek", "deepseek-chat"), Reports.CONTEXT.startedAt(),
                Reports.CONTEXT.finishedAt());
        AnalysisResult standIn = new AnalysisResult(SchemaVersion.CURRENT, "r-5", "team-payments",
                ResultStatus.COMPLETED, List.of(), "no findings", new ServedBy("builtin", "rules-1", true), false,
                "b-2", null, null, Instant.parse("2026-11-30T10:15:40Z"));
        List<FileOutcome> outcomes = new ArrayList<>(Reports.outcomes());
        outcomes.add(new FileOutcome("app/new.py", "r-5", "analysis:deepseek:deepseek-chat:security:33:d4", true,
                standIn));

        String md = SummaryWriter.render(named, Reports.report(), outcomes);

        assertThat(md).contains("security analysis asked of deepseek/deepseek-chat, 2026-11-30T10:15:00Z")
                .contains("## Answered by", "| builtin/rules-1 | 2 |",
                        "| builtin/rules-1 (degraded: standing in for the provider asked for) | 1 |");
        assertThat(SummaryWriter.render(Reports.CONTEXT, Reports.report(), Reports.outcomes()))
                .contains("security analysis asked of auto/auto,").doesNotContain("degraded");
    }

    @Test
    void shouldNamePendingFilesWithTheirRequestIdsAndSayTheScanIsIncomplete() {
        String md = SummaryWriter.render(Reports.CONTEXT, Reports.report(), Reports.outcomes());

        assertThat(md).contains("**Incomplete: 1 file(s) still pending**")
                .contains("## Still pending", "| `app/slow.py` | `r-3` |")
                .contains("| `app/broken.py` | failed | PROVIDER_UNAVAILABLE: all providers failed |")
                .contains("| `data/dump.sql` | oversize: 300000 bytes > 262144 |");
    }

    @Test
    void shouldListResultsCutToFitWithTheirReason() {
        List<FileOutcome> outcomes = new java.util.ArrayList<>(Reports.outcomes());
        outcomes.add(new FileOutcome("app/huge.py", "r-9", "analysis:auto:auto:security:9999999999999999:d41d8cd9",
                true, Reports.cut("r-9", new Finding("dangerous-eval", Severity.CRITICAL, 12, "eval of input", null))));

        String md = SummaryWriter.render(Reports.CONTEXT, Reports.report(), outcomes);

        assertThat(md).contains("## Results cut to fit")
                .contains("| `app/huge.py` | RESULT_TRUNCATED: it holds the 1 most severe of its 9000 findings |");
        assertThat(SummaryWriter.render(Reports.CONTEXT, Reports.report(), Reports.outcomes()))
                .doesNotContain("cut to fit");
    }

    @Test
    void shouldNotClaimIncompletenessWhenNothingIsPending(@TempDir Path dir) throws Exception {
        ScanReport r = Reports.report();
        ScanReport complete = new ScanReport(r.scanId(), r.repoName(), 1, 0, 1, 1, 0, 0, 0, 0, 0,
                Map.of(Severity.HIGH, 2), List.of(), List.<PendingFile>of(), r.sarif(), r.summary());
        Path target = dir.resolve("summary.md");

        SummaryWriter.write(target, Reports.CONTEXT, complete, Reports.outcomes().subList(0, 1));

        String md = Files.readString(target);
        assertThat(md).doesNotContain("Incomplete", "Still pending").contains("| high | 2 |");
    }

    @Test
    void shouldKeepATableCellOneCellWhenAMessageHasPipesOrLineBreaks() {
        var outcome = new FileOutcome("a.py", "r-9", "k", true, Reports.completed("r-9",
                new dev.athena.schemas.message.Finding("x", Severity.LOW, 3, "a | b\nc", null)));

        String md = SummaryWriter.render(Reports.CONTEXT, Reports.report(), List.of(outcome));

        assertThat(md).contains("| low | `a.py:3` | x | a \\| b c |");
    }
}
