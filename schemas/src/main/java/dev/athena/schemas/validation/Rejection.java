package dev.athena.schemas.validation;

import dev.athena.schemas.message.ErrorInfo;
import java.util.Objects;

/**
 * A request that cannot be accepted. {@code requestId} and {@code clientId} are whatever could be read from the
 * bad record (null when unreadable), so that the client can still be told.
 */
public record Rejection(RejectionReason reason, String field, String message, String requestId, String clientId) {
    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    public boolean clientKnown() {
        return requestId != null && clientId != null;
    }

    public ErrorInfo toError() {
        return new ErrorInfo(reason.name(), message);
    }
}
