package dev.athena.ingest.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a scan could write its report under a directory, told before the scan starts: the report is written
 * last, after every file was submitted and answered, so a directory that cannot be made would otherwise cost a
 * whole scan's wait before it failed.
 */
final class ReportDirectory {
    private ReportDirectory() {
    }

    /**
     * What stops a report from being written under {@code dir}, or empty. Leaves nothing behind: where {@code dir}
     * does not exist yet, it makes (and removes) a directory in the nearest folder that does, since only making
     * one tells whether that works (root passes a permission check on a file system that takes no directories).
     */
    static Optional<String> problem(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.of("no folder of " + absolute + " exists");
        }
        if (!Files.isDirectory(existing)) {
            return Optional.of(existing + " is not a directory");
        }
        try {
            Path probe = Files.createTempDirectory(existing, ".athena-report-check-");
            Files.delete(probe);
            return Optional.empty();
        } catch (IOException | SecurityException e) {
            // the exception's kind, not its message, which names the probe rather than the directory asked for
            return Optional.of("nothing can be written under " + existing + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }
}
