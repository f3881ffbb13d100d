package dev.athena.schemas.message;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A request to analyse one piece of code. Optional fields are null when absent; {@code provider} and
 * {@code model} null mean "auto". Options are kept sorted so that equal requests serialise equally.
 */
public record AnalysisRequest(
        int schemaVersion,
        String requestId,
        String clientId,
        AnalysisType analysisType,
        String language,
        String path,
        String code,
        String provider,
        String model,
        Lane lane,
        Map<String, String> options,
        Instant deadline,
        Boolean stream,
        Instant createdAt,
        String replyTo) {

    public static final String AUTO = "auto";

    public AnalysisRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(analysisType, "analysisType");
        Objects.requireNonNull(code, "code");
        lane = lane == null ? Lane.INTERACTIVE : lane;
        // Map.copyOf alone rejects nulls but iterates in a per-JVM random order; the sorted view keeps the
        // promise that equal requests serialise to equal bytes.
        // (no options, as nearly every request has, costs no copies: decoding makes one of these per request)
        options = options == null || options.isEmpty() ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(Map.copyOf(options)));
    }

    public String providerOrAuto() {
        return provider == null || provider.isBlank() ? AUTO : provider;
    }

    public String modelOrAuto() {
        return model == null || model.isBlank() ? AUTO : model;
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    public Optional<Instant> deadlineOpt() {
        return Optional.ofNullable(deadline);
    }

    /** A minimal request: the fields every producer must send, everything else defaulted. */
    public static AnalysisRequest of(String requestId, String clientId, AnalysisType type, String code) {
        return new AnalysisRequest(SchemaVersion.CURRENT, requestId, clientId, type, null, null, code, null, null,
                Lane.INTERACTIVE, Map.of(), null, null, null, null);
    }

    public AnalysisRequest withRoute(String newProvider, String newModel) {
        return new AnalysisRequest(schemaVersion, requestId, clientId, analysisType, language, path, code,
                newProvider, newModel, lane, options, deadline, stream, createdAt, replyTo);
    }
}
