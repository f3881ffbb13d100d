package dev.athena.collector.admission;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.Route;
import java.util.Objects;

/**
 * A request that passed admission, with what batching needs already derived, and the bytes it arrived in (shared,
 * never modified) so that batching stores them as they are. Lives only inside a task.
 */
public record Admitted(AnalysisRequest request, Route route, String cacheKey, String traceparent,
        byte[] original) {
    public Admitted {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(cacheKey, "cacheKey");
    }

    public Requester requester() {
        return Requester.of(request, traceparent);
    }
}
