package dev.athena.workers.execution;

import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.SchemaVersion;
import dev.athena.workers.cancel.Cancellations;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs every item of a batch at once, each on its own virtual thread (concurrency per provider is bounded by
 * the provider's bulkhead, not here), or a few small ones together in one packed call where their provider
 * packs, and assembles one {@link BatchResult} with the items in batch order. An item whose question another
 * item of this worker is asking already waits for that answer ({@link InFlightQuestions}).
 */
public final class BatchExecutor {
    private final ItemExecutor items;
    private final ExecutorService threads;
    private final InstantSource clock;
    private final InFlightQuestions inFlight;
    private final Cancellations cancellations;

    public BatchExecutor(ItemExecutor items, ExecutorService threads, InstantSource clock) {
        this(items, threads, clock, Cancellations.NONE);
    }

    public BatchExecutor(ItemExecutor items, ExecutorService threads, InstantSource clock,
            Cancellations cancellations) {
        this(items, threads, clock, new InFlightQuestions(), cancellations);
    }

    BatchExecutor(ItemExecutor items, ExecutorService threads, InstantSource clock, InFlightQuestions inFlight,
            Cancellations cancellations) {
        this.items = items;
        this.threads = threads;
        this.clock = clock;
        this.inFlight = inFlight;
        this.cancellations = cancellations;
    }

    /** The requesters of the batch whose client cancelled them (one read of Redis, bounded). */
    Set<Requester> cancelled(AnalysisBatch batch) {
        return cancellations.cancelled(batch);
    }

    /** The one result of requesters whose client cancelled them, saying when they were cancelled. */
    ItemResult cancelledResult(BatchItem item, String when) {
        return items.cancelled(item, when);
    }

    /**
     * @throws InterruptedException when the worker is stopping: the batch has no result and must be redone, so
     *     the caller aborts its transaction instead of writing anything
     */
    public BatchResult execute(AnalysisBatch batch) throws InterruptedException {
        CancellationSplit split = CancellationSplit.of(batch, cancellations.cancelled(batch));
        if (split.nobodyCancelled()) {
            return run(batch);
        }
        // The cancelled requesters leave their items; what is left runs as a batch of its own.
        List<ItemResult> ran = split.everyoneCancelled() ? List.of() : run(split.live()).items();
        return split.result(ran, items::cancelled, clock.instant());
    }

    private BatchResult run(AnalysisBatch batch) throws InterruptedException {
        List<BatchItem> all = batch.items();
        InFlightQuestions.Claims claims = inFlight.claim(all);
        try {
            List<List<Integer>> groups = new ArrayList<>();
            List<Future<List<ItemResult>>> futures = new ArrayList<>();
            List<Integer> asking = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                CompletableFuture<ItemResult> leader = claims.leader(i);
                if (leader == null) {
                    asking.add(i);
                } else {
                    BatchItem item = all.get(i);
                    groups.add(List.of(i));
                    futures.add(threads.submit(() -> List.of(items.follow(item, leader))));
                }
            }
            List<BatchItem> askingItems = asking.stream().map(all::get).toList();
            for (List<Integer> planned : items.groups(askingItems)) {
                List<Integer> group = planned.stream().map(asking::get).toList();
                List<BatchItem> members = group.stream().map(all::get).toList();
                groups.add(group);
                futures.add(threads.submit(() -> {
                    List<ItemResult> done = items.executeGroup(members);
                    // an answer cut short by the batch being abandoned is no answer for others
                    if (!Thread.currentThread().isInterrupted()) {
                        for (int k = 0; k < group.size(); k++) {
                            claims.answered(group.get(k), done.get(k));
                        }
                    }
                    return done;
                }));
            }
            ItemResult[] results = new ItemResult[all.size()];
            try {
                for (int g = 0; g < groups.size(); g++) {
                    List<Integer> group = groups.get(g);
                    List<ItemResult> done = await(futures.get(g), group.stream().map(all::get).toList());
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
        } finally {
            claims.release();
        }
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
