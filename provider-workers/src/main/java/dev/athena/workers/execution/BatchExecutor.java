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
 * the provider's bulkhead, not here), and assembles one {@link BatchResult} with the items in batch order.
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
        List<Future<ItemResult>> futures = new ArrayList<>();
        for (BatchItem item : batch.items()) {
            futures.add(threads.submit(() -> items.execute(item)));
        }
        List<ItemResult> results = new ArrayList<>();
        try {
            for (int i = 0; i < futures.size(); i++) {
                results.add(await(futures.get(i), batch.items().get(i)));
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return new BatchResult(SchemaVersion.CURRENT, batch.batchId(), batch.route(), results, clock.instant());
    }

    private static ItemResult await(Future<ItemResult> future, BatchItem item) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            // ItemExecutor never throws; only an Error gets here, and the item still needs its one result
            return internalError(item);
        }
    }

    private static ItemResult internalError(BatchItem item) {
        ErrorInfo error = new ErrorInfo("INTERNAL_ERROR", "the worker failed while executing this item");
        return new ItemResult(item.cacheKey(), item.requesters(), item.request().analysisType(), item.request().path(),
                ResultStatus.FAILED, null, List.of(), error.message(), null, error, false);
    }
}
