package dev.athena.schemas.message;

import java.util.Objects;

/**
 * A client's request to cancel one of its requests, written by any Kafka client to {@code athena.cancellations}
 * (key = requestId). The provider workers record it where they look before they ask a provider, as the gateway's
 * {@code DELETE /v1/analyses/{id}} does; the request's one result then says whether it came in time.
 */
public record AnalysisCancellation(int schemaVersion, String requestId, String clientId) {
    public AnalysisCancellation {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(clientId, "clientId");
    }

    public static AnalysisCancellation of(String clientId, String requestId) {
        return new AnalysisCancellation(SchemaVersion.CURRENT, requestId, clientId);
    }
}
