package dev.athena.schemas.message;

import java.util.Objects;

/** Why a request did not complete: a stable machine code and a message for people. */
public record ErrorInfo(String code, String message) {
    /** The code of an EXPIRED result, whichever service found the deadline passed (collector or worker). */
    public static final String DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED";

    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
