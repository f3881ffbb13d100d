package dev.athena.ingest.scan;

import dev.athena.ingest.scan.ChangeDetector.Changes;
import dev.athena.ingest.scan.ChangeDetector.Unchanged;
import dev.athena.ingest.scan.RepositoryWalker.Walk;
import dev.athena.ingest.scan.ScanReport.PendingFile;
import dev.athena.ingest.scan.ScanReport.SkippedFile;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.Severity;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;

/**
 * What the steps of one scan hand to each other. A run lives in one JVM and one job execution (every scan has a
 * new id), so it is kept in memory; what must outlive the run is in {@code scan_files}. Steps run one after the
 * other on the job's thread, so no field needs more than the happens-before the job launcher gives between steps.
 */
final class ScanRun {
    private final ScanSettings settings;
    private final String scanId;
    private final Instant startedAt;
    private Walk walk = new Walk(List.of(), List.of());
    private Changes changes = new Changes(List.of(), List.of(), List.of());
    private final Queue<SourceFile> toSubmit = new ArrayDeque<>();
    private final Map<String, Sent> submitted = new LinkedHashMap<>();
    private final List<SkippedFile> skippedLate = new ArrayList<>();
    private RepositoryWalker walker;
    private final Map<String, AnalysisResult> results = new LinkedHashMap<>();
    private ScanReport report;

    ScanRun(ScanSettings settings, String scanId, Instant startedAt) {
        this.settings = settings;
        this.scanId = scanId;
        this.startedAt = startedAt;
    }

    /** A changed file to send: its request and the cache key its code will be answered under. */
    record Submission(SourceFile file, AnalysisRequest request, String cacheKey) {
        static Submission of(SourceFile file, AnalysisRequest request) {
            return new Submission(file, request, CacheKey.ofRequested(request).value());
        }
    }

    /** What the run keeps of a sent file until the scan ends: not its code. */
    private record Sent(String path, String requestId, String cacheKey) {
    }

    ScanSettings settings() {
        return settings;
    }

    String scanId() {
        return scanId;
    }

    Instant startedAt() {
        return startedAt;
    }

    Walk walk() {
        return walk;
    }

    /** The walker of this run's settings: it walks, then reads each changed file again as it is sent. */
    RepositoryWalker walker() {
        if (walker == null) {
            walker = RepositoryWalker.of(settings);
        }
        return walker;
    }

    /** A changed file that could no longer be read when it was to be sent (gone, grown, now binary). */
    void skippedLate(SkippedFile file) {
        skippedLate.add(file);
    }

    void detected(Walk newWalk, Changes newChanges) {
        this.walk = newWalk;
        this.changes = newChanges;
        toSubmit.addAll(newChanges.changed());
    }

    /** The reader of the submit step: the next changed file, null when all were read. */
    SourceFile nextToSubmit() {
        return toSubmit.poll();
    }

    void submitted(List<Submission> batch) {
        batch.forEach(s -> submitted.put(s.request().requestId(), new Sent(s.file().path(), s.request().requestId(),
                s.cacheKey())));
    }

    Set<String> awaited() {
        return new LinkedHashSet<>(submitted.keySet());
    }

    boolean anySubmitted() {
        return !submitted.isEmpty();
    }

    void collected(Map<String, AnalysisResult> arrived) {
        results.putAll(arrived);
    }

    /** Every eligible file, carried-over and fresh, in path order. */
    List<FileOutcome> outcomes() {
        List<FileOutcome> outcomes = new ArrayList<>();
        for (Unchanged u : changes.unchanged()) {
            Asked asked = u.previous().asked();
            String key = CacheKey.ofCodeSha256(asked.provider(), asked.model(), asked.type(), u.file().sha256())
                    .value();
            outcomes.add(new FileOutcome(u.file().path(), u.previous().requestId(), key, false, u.result()));
        }
        for (Sent s : submitted.values()) {
            outcomes.add(new FileOutcome(s.path(), s.requestId(), s.cacheKey(), true,
                    results.get(s.requestId())));
        }
        outcomes.sort(Comparator.comparing(FileOutcome::path));
        return outcomes;
    }

    private List<SkippedFile> allSkipped() {
        List<SkippedFile> all = new ArrayList<>(walk.skipped());
        all.addAll(skippedLate);
        all.sort(Comparator.comparing(SkippedFile::path));
        return all;
    }

    ScanReport report(List<FileOutcome> outcomes, Path sarif, Path summary) {
        int completed = 0;
        int failed = 0;
        int rejected = 0;
        List<PendingFile> pending = new ArrayList<>();
        Map<Severity, Integer> findings = new EnumMap<>(Severity.class);
        int degraded = 0;
        for (FileOutcome o : outcomes) {
            if (o.pending()) {
                pending.add(new PendingFile(o.path(), o.requestId()));
                continue;
            }
            if (o.result().status() == ResultStatus.COMPLETED && o.result().answeredByStandIn()) {
                degraded++;
            }
            for (Finding f : o.result().findings()) {
                findings.merge(f.severity(), 1, Integer::sum);
            }
            if (!o.fresh()) {
                continue;
            }
            switch (o.result().status()) {
                case COMPLETED -> completed++;
                case REJECTED -> rejected++;
                case FAILED, EXPIRED, CANCELLED -> failed++;
            }
        }
        return new ScanReport(scanId, settings.repoName(), walk.files().size(), changes.unchanged().size(),
                submitted.size(), completed, failed, rejected, pending.size(), walk.ignored(), degraded, findings,
                allSkipped(), pending, sarif, summary);
    }

    void finished(ScanReport finalReport) {
        this.report = finalReport;
    }

    ScanReport finalReport() {
        return report;
    }
}
