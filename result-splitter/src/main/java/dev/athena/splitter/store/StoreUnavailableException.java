package dev.athena.splitter.store;

/**
 * PostgreSQL could not be reached or refused the statement; retriable once it is back. The message names the
 * SQLSTATE, never the data of the statement.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
