package dev.athena.schemas.message;

/** The terminal state of a request: every accepted request ends in exactly one of these. */
public enum ResultStatus {
    COMPLETED, FAILED, REJECTED, EXPIRED, CANCELLED
}
