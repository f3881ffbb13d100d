package dev.athena.schemas.message;

import java.util.Objects;

/** One problem found in the code. {@code line} is 1-based; 0 means the whole file. */
public record Finding(String ruleId, Severity severity, int line, String message, String suggestion) {
    public Finding {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0 but was " + line);
        }
    }
}
