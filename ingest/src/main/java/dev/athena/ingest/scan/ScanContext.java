package dev.athena.ingest.scan;

import dev.athena.schemas.message.AnalysisType;
import java.nio.file.Path;
import java.time.Instant;

/** Facts about one scan run that both report formats print. */
record ScanContext(String scanId, String repoName, Path repository, AnalysisType type, Instant startedAt,
        Instant finishedAt) {
}
