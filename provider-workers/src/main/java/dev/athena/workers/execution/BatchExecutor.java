package dev.athena.workers.execution;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs every item of a batch at once, each on its own virtual thread (concurrency per provider is bounded by
 * the provider's bulkhead, not here), or a few small ones together in one packed call where their provider
 * packs, and assembles one {@link BatchResult} with the items in batch order.
 */
public final class BatchExecutor {
    private final ItemExecutor items;
    private final ExecutorService threads;
    private final InstantSource clock;

    public BatchExecutor(ItemExecutor items, ExecutorService threads, InstantSource clock) {
        this.items = items;
        this.threads = threads;
        this.clock = clock;
    }

    /**
     * @throws InterruptedException when the worker is stopping: the batch has no result and must be redone, so
     *     the caller aborts its transaction instead of writing anything
     */
    public BatchResult execute(AnalysisBatch batch) throws InterruptedException {
        List<List<Integer>> groups = items.groups(batch.items());
        List<Future<List<ItemResult>>> futures = new ArrayList<>();
        for (List<Integer> group : groups) {
            List<BatchItem> members = group.stream().map(batch.items()::get).toList();
            futures.add(threads.submit(() -> items.executeGroup(members)));
        }
        ItemResult[] results = new ItemResult[batch.items().size()];
        try {
            for (int g = 0; g < groups.size(); g++) {
                List<Integer> group = groups.get(g);
                List<ItemResult> done = await(futures.get(g), group.stream().map(batch.items()::get).toList());
                for (int k = 0; k < group.size(); k++) {
                    results[group.get(k)] = done.get(k);
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return new BatchResult(SchemaVersion.CURRENT, batch.batchId(), batch.route(), List.of(results),
                clock.instant());
    }

    private static List<ItemResult> await(Future<List<ItemResult>> future, List<BatchItem> group)
            throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // ItemExecutor never throws for an item; only an Error gets here, and each item still needs its result
            return group.stream().map(BatchExecutor::internalError).toList();
        }
    }

    private static ItemResult internalError(BatchItem item) {
        ErrorInfo error = new ErrorInfo("INTERNAL_ERROR", "the worker failed while executing this item");
        return new ItemResult(item.cacheKey(), item.requesters(), item.request().analysisType(), item.request().path(),
                ResultStatus.FAILED, null, List.of(), error.message(), null, error, false);
    }
}
