package dev.athena.ingest.scan;

import dev.athena.ingest.scan.ScanReport.SkippedFile;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The human half of a report ({@code summary.md}): counts, findings per severity, who answered, the most severe
 * findings, and, never hidden, the files still pending with their request ids, the ones that failed and the ones
 * skipped.
 */
final class SummaryWriter {
    static final int TOP_FINDINGS = 20;

    private SummaryWriter() {
    }

    static void write(Path target, ScanContext context, ScanReport report, List<FileOutcome> outcomes)
            throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, render(context, report, outcomes), StandardCharsets.UTF_8);
    }

    static String render(ScanContext context, ScanReport report, List<FileOutcome> outcomes) {
        StringBuilder md = new StringBuilder();
        md.append("# Athena scan of ").append(context.repoName()).append("\n\n");
        Asked asked = context.asked();
        md.append("Scan `").append(context.scanId()).append("`, ").append(asked.type().wireName())
                .append(" analysis asked of ").append(asked.provider()).append('/').append(asked.model())
                .append(", ").append(context.startedAt()).append(" to ").append(context.finishedAt())
                .append(".\n\n");
        if (report.pending() > 0) {
            md.append("**Incomplete: ").append(report.pending()).append(" file(s) still pending** when the wait")
                    .append(" ended; their results will be picked up by the next scan.\n\n");
        }
        md.append("| files | count |\n| --- | ---: |\n");
        row(md, "scanned", report.scanned());
        row(md, "unchanged (previous results kept)", report.skippedUnchanged());
        row(md, "submitted", report.submitted());
        row(md, "completed", report.completed());
        row(md, "failed", report.failed());
        row(md, "rejected", report.rejected());
        row(md, "pending", report.pending());
        row(md, "skipped", report.skipped().size());
        row(md, "left out by .gitignore (files, and folders not entered)", report.ignored());
        md.append("\n## Findings by severity\n\n| severity | findings |\n| --- | ---: |\n");
        for (Severity s : Severity.values()) {
            row(md, s.wireName(), report.findingsBySeverity().get(s));
        }
        appendAnsweredBy(md, outcomes);
        appendTopFindings(md, outcomes);
        if (!report.pendingFiles().isEmpty()) {
            md.append("\n## Still pending\n\n| file | request id |\n| --- | --- |\n");
            report.pendingFiles().forEach(p -> md.append("| `").append(cell(p.path())).append("` | `")
                    .append(p.requestId()).append("` |\n"));
        }
        List<FileOutcome> cut = outcomes.stream().filter(o -> o.result() != null
                && o.result().status() == ResultStatus.COMPLETED && o.result().error() != null).toList();
        if (!cut.isEmpty()) {
            md.append("\n## Results cut to fit\n\nThese files' findings above are the most severe only.\n\n"
                    + "| file | reason |\n| --- | --- |\n");
            for (FileOutcome o : cut) {
                md.append("| `").append(cell(o.path())).append("` | ").append(cell(o.result().error().code() + ": "
                        + o.result().error().message())).append(" |\n");
            }
        }
        List<FileOutcome> unsuccessful = outcomes.stream().filter(o -> o.result() != null
                && o.result().status() != ResultStatus.COMPLETED).toList();
        if (!unsuccessful.isEmpty()) {
            md.append("\n## Not analysed\n\n| file | status | reason |\n| --- | --- | --- |\n");
            for (FileOutcome o : unsuccessful) {
                String reason = o.result().error() != null ? o.result().error().code() + ": "
                        + o.result().error().message() : String.valueOf(o.result().summary());
                md.append("| `").append(cell(o.path())).append("` | ")
                        .append(o.result().status().name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(cell(reason)).append(" |\n");
            }
        }
        if (!report.skipped().isEmpty()) {
            md.append("\n## Skipped\n\n| file | reason |\n| --- | --- |\n");
            for (SkippedFile s : report.skipped()) {
                md.append("| `").append(cell(s.path())).append("` | ").append(cell(s.reason())).append(" |\n");
            }
        }
        return md.toString();
    }

    /**
     * Who answered, so that a scan asking for a provider tells how many of its answers came from it and how many
     * from the built-in analyser standing in for it (degraded).
     */
    private static void appendAnsweredBy(StringBuilder md, List<FileOutcome> outcomes) {
        Map<String, Integer> files = new TreeMap<>();
        for (FileOutcome o : outcomes) {
            if (o.result() != null && o.result().status() == ResultStatus.COMPLETED) {
                ServedBy by = o.result().servedBy();
                String name = by == null ? "unknown" : by.provider() + "/" + by.model()
                        + (by.degraded() ? " (degraded: standing in for the provider asked for)" : "");
                files.merge(name, 1, Integer::sum);
            }
        }
        if (files.isEmpty()) {
            return;
        }
        md.append("\n## Answered by\n\n| provider/model | files |\n| --- | ---: |\n");
        files.forEach((name, count) -> row(md, cell(name), count));
    }

    private static void appendTopFindings(StringBuilder md, List<FileOutcome> outcomes) {
        record Located(String path, Finding finding) {
        }
        List<Located> top = outcomes.stream()
                .filter(o -> o.result() != null && o.result().status() == ResultStatus.COMPLETED)
                .flatMap(o -> o.result().findings().stream().map(f -> new Located(o.path(), f)))
                .sorted(Comparator.comparing((Located l) -> l.finding().severity())
                        .thenComparing(Located::path).thenComparingInt(l -> l.finding().line()))
                .limit(TOP_FINDINGS).toList();
        if (top.isEmpty()) {
            md.append("\nNo findings.\n");
            return;
        }
        md.append("\n## Top findings\n\n| severity | location | rule | message |\n| --- | --- | --- | --- |\n");
        for (Located l : top) {
            Finding f = l.finding();
            md.append("| ").append(f.severity().wireName()).append(" | `").append(cell(l.path()))
                    .append(f.line() > 0 ? ":" + f.line() : "").append("` | ").append(cell(f.ruleId()))
                    .append(" | ").append(cell(f.message())).append(" |\n");
        }
    }

    private static void row(StringBuilder md, String label, int value) {
        md.append("| ").append(label).append(" | ").append(value).append(" |\n");
    }

    /** Keeps a table cell one cell: pipes escaped, line breaks flattened. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
    }
}
