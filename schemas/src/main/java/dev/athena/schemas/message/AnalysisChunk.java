package dev.athena.schemas.message;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** A piece of streamed model output, in order by {@code sequence}; {@code final} marks the last. */
public record AnalysisChunk(int schemaVersion, String requestId, long sequence, String delta,
        @JsonProperty("final") boolean last) {
    public AnalysisChunk {
        Objects.requireNonNull(requestId, "requestId");
        delta = delta == null ? "" : delta;
    }
}
