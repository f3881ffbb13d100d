package dev.athena.ingest.scan;

/** A text file of the repository: its path relative to the root (with '/'), content and SHA-256 (hex). */
record SourceFile(String path, String code, String sha256, String language) {
}
