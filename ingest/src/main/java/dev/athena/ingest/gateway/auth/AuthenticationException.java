package dev.athena.ingest.gateway.auth;

/** The caller could not be identified. The reason is for the audit log; the message never holds the key. */
public final class AuthenticationException extends RuntimeException {
    private final String reason;

    AuthenticationException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
