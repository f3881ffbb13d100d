package dev.athena.ingest.scan;

import dev.athena.schemas.message.Severity;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one scan found. {@code scanned} counts the files that were eligible for analysis; of those,
 * {@code skippedUnchanged} kept their previous results and the rest were submitted, ending {@code completed},
 * {@code failed} (also expired or cancelled), {@code rejected} or still {@code pending} when the wait ended.
 * Findings count every file in the report, carried-over results included; {@code degraded} counts the completed
 * ones the built-in analyser gave in place of an unavailable provider (asked again by the next scan).
 */
public record ScanReport(String scanId, String repoName, int scanned, int skippedUnchanged, int submitted,
        int completed, int failed, int rejected, int pending, int ignored, int degraded,
        Map<Severity, Integer> findingsBySeverity, List<SkippedFile> skipped, List<PendingFile> pendingFiles,
        Path sarif, Path summary) {

    public ScanReport {
        Objects.requireNonNull(scanId, "scanId");
        EnumMap<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            counts.put(s, findingsBySeverity.getOrDefault(s, 0));
        }
        findingsBySeverity = java.util.Collections.unmodifiableMap(counts);
        skipped = List.copyOf(skipped);
        pendingFiles = List.copyOf(pendingFiles);
    }

    public int findings() {
        return findingsBySeverity.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** A file left out of the scan, and why (binary, oversize, not UTF-8, empty, unreadable). */
    public record SkippedFile(String path, String reason) {
    }

    /** A submitted file whose result had not arrived when the wait ended. */
    public record PendingFile(String path, String requestId) {
    }
}
