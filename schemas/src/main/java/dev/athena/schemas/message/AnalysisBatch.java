package dev.athena.schemas.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The items of one route collected during one window. Key on the wire: the route. */
public record AnalysisBatch(int schemaVersion, String batchId, String route, Instant windowStart,
        Instant windowEnd, List<BatchItem> items) {
    public AnalysisBatch {
        Objects.requireNonNull(batchId, "batchId");
        Objects.requireNonNull(route, "route");
        items = List.copyOf(items);
    }

    public int requestCount() {
        return items.stream().mapToInt(i -> i.requesters().size()).sum();
    }
}
