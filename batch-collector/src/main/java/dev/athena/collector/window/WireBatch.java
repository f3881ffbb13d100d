package dev.athena.collector.window;

import dev.athena.schemas.message.AnalysisBatch;
import java.util.List;
import java.util.Objects;

/**
 * A closed batch on its way to {@code athena.batches}, with each item's request as the bytes it arrived in
 * (shared, never modified), so the sink writes them as they are instead of encoding the decoded request again.
 * Admission accepted exactly those bytes against the request contract, which allows fields it does not know.
 */
public record WireBatch(AnalysisBatch batch, List<byte[]> requestBytes) {
    public WireBatch {
        Objects.requireNonNull(batch, "batch");
        requestBytes = List.copyOf(requestBytes);
        if (requestBytes.size() != batch.items().size()) {
            throw new IllegalArgumentException("one request per item: " + batch.items().size() + " items but "
                    + requestBytes.size() + " requests");
        }
    }
}
