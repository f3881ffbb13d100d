package dev.athena.schemas.message;

import java.util.Objects;

/** Why a request did not complete: a stable machine code and a message for people. */
public record ErrorInfo(String code, String message) {
    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
