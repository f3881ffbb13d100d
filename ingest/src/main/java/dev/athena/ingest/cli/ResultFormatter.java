package dev.athena.ingest.cli;

import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.Finding;

/** Prints a result for people: one headline, then one line per finding. */
public final class ResultFormatter {
    private ResultFormatter() {
    }

    public static String format(String label, AnalysisResult result) {
        StringBuilder out = new StringBuilder();
        out.append(label).append(": ").append(result.status());
        if (result.servedBy() != null) {
            out.append(" by ").append(result.servedBy().provider()).append('/').append(result.servedBy().model());
            if (result.servedBy().degraded()) {
                out.append(" (degraded)");
            }
        }
        if (result.cached()) {
            out.append(" (cached)");
        }
        if (result.summary() != null) {
            out.append(" - ").append(result.summary());
        }
        if (result.error() != null) {
            out.append(System.lineSeparator()).append("  error ").append(result.error().code()).append(": ")
                    .append(result.error().message());
        }
        for (Finding f : result.findings()) {
            out.append(System.lineSeparator())
                    .append(String.format("  %4d  %-8s %-24s %s", f.line(), f.severity().wireName(), f.ruleId(),
                            f.message()));
            if (f.suggestion() != null && !f.suggestion().isBlank()) {
                out.append(" -> ").append(f.suggestion());
            }
        }
        return out.toString();
    }
}
