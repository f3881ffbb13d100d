package dev.athena.ingest.scan;

/** Another process is scanning the same repository name right now; try again at the next start. */
public final class ScanAlreadyRunningException extends RuntimeException {
    public ScanAlreadyRunningException(String message) {
        super(message);
    }
}
