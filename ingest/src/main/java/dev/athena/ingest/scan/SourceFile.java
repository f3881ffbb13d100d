package dev.athena.ingest.scan;

import java.nio.file.Path;

/**
 * A text file of the repository as the walk found it: its path relative to the root (with '/'), the SHA-256 (hex)
 * of its content, its language and where it lies. Not its text: a scan reads that again when it sends the file, so
 * a large repository's code is never all in memory at once.
 */
record SourceFile(String path, String sha256, String language, Path location) {
    SourceFile withSha256(String newSha256) {
        return new SourceFile(path, newSha256, language, location);
    }
}
