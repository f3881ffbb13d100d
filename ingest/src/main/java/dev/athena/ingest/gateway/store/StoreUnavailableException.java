package dev.athena.ingest.gateway.store;

import java.sql.SQLException;

/** A database call that failed: the gateway answers 503, never a stack trace to the client. */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String what, SQLException cause) {
        super(what + ": " + cause.getMessage(), cause);
    }
}
