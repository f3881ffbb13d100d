package dev.athena.workers.execution;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.SchemaVersion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A batch's items with the cancelled requesters taken out: per item of the batch, the item as it still runs (its
 * requesters who did not cancel; {@code null} when none is left) and the requesters who get one CANCELLED result.
 * Still one result per requester: each holds either its item's answer or its CANCELLED one.
 */
record CancellationSplit(AnalysisBatch batch, List<BatchItem> kept, List<List<Requester>> gone) {

    static CancellationSplit of(AnalysisBatch batch, Set<Requester> cancelled) {
        List<BatchItem> kept = new ArrayList<>();
        List<List<Requester>> gone = new ArrayList<>();
        for (BatchItem item : batch.items()) {
            Map<Boolean, List<Requester>> split = item.requesters().stream()
                    .collect(Collectors.partitioningBy(cancelled::contains));
            gone.add(split.get(true));
            kept.add(split.get(false).isEmpty() ? null
                    : new BatchItem(item.cacheKey(), item.request(), split.get(false)));
        }
        return new CancellationSplit(batch, kept, gone);
    }

    boolean nobodyCancelled() {
        return gone.stream().allMatch(List::isEmpty);
    }

    boolean everyoneCancelled() {
        return kept.stream().allMatch(item -> item == null);
    }

    /** The items that still run, in batch order, as a batch of their own (same id and route). */
    AnalysisBatch live() {
        List<BatchItem> live = kept.stream().filter(item -> item != null).toList();
        return new AnalysisBatch(batch.schemaVersion(), batch.batchId(), batch.route(), batch.windowStart(),
                batch.windowEnd(), live);
    }

    /**
     * The batch's one result: {@code liveResults} (one per item of {@link #live()}, in its order) with each
     * item's cancelled requesters' result beside it.
     */
    BatchResult result(List<ItemResult> liveResults, Function<BatchItem, ItemResult> cancelled, Instant now) {
        List<ItemResult> results = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < batch.items().size(); i++) {
            BatchItem item = batch.items().get(i);
            if (kept.get(i) != null) {
                results.add(liveResults.get(next++));
            }
            if (!gone.get(i).isEmpty()) {
                results.add(cancelled.apply(new BatchItem(item.cacheKey(), item.request(), gone.get(i))));
            }
        }
        return new BatchResult(SchemaVersion.CURRENT, batch.batchId(), batch.route(), results, now);
    }
}
