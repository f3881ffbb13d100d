package dev.athena.ingest.scan;

/** A scan that could not produce a report (database or broker unreachable, repository unreadable). */
public final class ScanFailedException extends RuntimeException {
    public ScanFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
