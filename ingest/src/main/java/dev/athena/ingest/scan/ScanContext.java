package dev.athena.ingest.scan;

import java.nio.file.Path;
import java.time.Instant;

/** Facts about one scan run that both report formats print. */
record ScanContext(String scanId, String repoName, Path repository, Asked asked, Instant startedAt,
        Instant finishedAt) {
}
