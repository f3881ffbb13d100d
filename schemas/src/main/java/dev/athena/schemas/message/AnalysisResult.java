package dev.athena.schemas.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The one terminal answer to one request, on its client's result topic, keyed by requestId. */
public record AnalysisResult(int schemaVersion, String requestId, String clientId, ResultStatus status,
        List<Finding> findings, String summary, ServedBy servedBy, boolean cached, String batchId, Usage usage,
        ErrorInfo error, Instant completedAt) {
    public AnalysisResult {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        findings = findings == null ? List.of() : List.copyOf(findings);
        usage = usage == null ? Usage.NONE : usage;
    }

    /**
     * Whether the built-in analyser gave this answer in place of the provider that was to give it (an outage, or
     * a named provider without key or URL). Such an answer is not kept in the cache nor reused by a scan.
     */
    public boolean answeredByStandIn() {
        return servedBy != null && servedBy.degraded();
    }

    /** A request turned away before any provider saw it. {@code clientId} may be null if it was unreadable. */
    public static AnalysisResult rejected(String requestId, String clientId, ErrorInfo error, Instant at) {
        return new AnalysisResult(SchemaVersion.CURRENT, requestId, clientId, ResultStatus.REJECTED, List.of(),
                error.message(), null, false, null, Usage.NONE, error, at);
    }
}
