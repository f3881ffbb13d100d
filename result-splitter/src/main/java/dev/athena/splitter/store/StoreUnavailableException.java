package dev.athena.splitter.store;

/** PostgreSQL could not be reached or refused the statement; retriable once it is back. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
