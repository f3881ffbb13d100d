package dev.athena.schemas.message;

import java.util.Objects;

/** Why a request did not complete: a stable machine code and a message for people. */
public record ErrorInfo(String code, String message) {
    /** The code of an EXPIRED result, whichever service found the deadline passed (collector or worker). */
    public static final String DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED";
    /**
     * The code of the one {@code COMPLETED} result with an error: too large for its client's topic, it holds only
     * its most severe findings (the splitter cut it; the gateway serves the whole one).
     */
    public static final String RESULT_TRUNCATED = "RESULT_TRUNCATED";
    /** The code of a CANCELLED result: its client cancelled it before a provider was asked. */
    public static final String CANCELLED = "CANCELLED";

    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
