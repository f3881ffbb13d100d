package dev.athena.schemas.message;

import java.util.List;
import java.util.Objects;

/** One question for a provider, and every requester waiting for its answer (more than one when coalesced). */
public record BatchItem(String cacheKey, AnalysisRequest request, List<Requester> requesters) {
    public BatchItem {
        Objects.requireNonNull(cacheKey, "cacheKey");
        Objects.requireNonNull(request, "request");
        requesters = List.copyOf(requesters);
        if (requesters.isEmpty()) {
            throw new IllegalArgumentException("a batch item needs at least one requester");
        }
    }
}
