package dev.athena.schemas.message;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Exactly one per batch, written in the same transaction as the worker's consumer offsets. */
public record BatchResult(int schemaVersion, String batchId, String route, List<ItemResult> items,
        Instant completedAt) {
    public BatchResult {
        Objects.requireNonNull(batchId, "batchId");
        items = List.copyOf(items);
    }
}
