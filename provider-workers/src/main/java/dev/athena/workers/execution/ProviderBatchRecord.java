package dev.athena.workers.execution;

import dev.athena.schemas.message.AnalysisBatch;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A batch waiting in a provider's batch API, as kept (compacted, keyed by batch id) on
 * {@link ProviderBatches#TOPIC}: the batch itself, which provider holds it under which id, the model asked of
 * each item (in batch order), when it went, and the worker group that owns it.
 */
public record ProviderBatchRecord(String group, AnalysisBatch batch, String provider, String providerBatchId,
        List<String> models, Instant submittedAt) {
    public ProviderBatchRecord {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(providerBatchId, "providerBatchId");
        Objects.requireNonNull(submittedAt, "submittedAt");
        models = List.copyOf(models);
        if (models.size() != batch.items().size()) {
            throw new IllegalArgumentException("one model per item expected but got " + models.size() + " for "
                    + batch.items().size() + " items of " + batch.batchId());
        }
    }
}
