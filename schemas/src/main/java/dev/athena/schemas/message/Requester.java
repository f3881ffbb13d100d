package dev.athena.schemas.message;

import java.util.Objects;

/**
 * One client waiting for a batch item. Coalesced items carry several; each gets its own result and sees only
 * its own ids.
 */
public record Requester(String requestId, String clientId, String replyTo, String traceparent) {
    public Requester {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(clientId, "clientId");
    }

    public static Requester of(AnalysisRequest request, String traceparent) {
        return new Requester(request.requestId(), request.clientId(), request.replyTo(), traceparent);
    }
}
