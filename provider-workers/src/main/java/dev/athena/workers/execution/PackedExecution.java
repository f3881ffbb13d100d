package dev.athena.workers.execution;

import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.ItemResult;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Pack;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.RetriableProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A group of items in one packed call to their first provider. Every item the answer does not cover
 * unambiguously (or all of them, when the call fails) is then executed on its own, with its whole failover
 * chain, concurrently; so packing can delay an item by one call, never lose it or give it another's answer.
 */
final class PackedExecution {
    private static final Logger LOG = LoggerFactory.getLogger(PackedExecution.class);

    private final ItemExecutor single;
    private final ProviderRoster roster;
    private final InstantSource clock;
    private final Duration maxItemTime;
    private final ExecutorService calls;
    private final WorkerMetrics metrics;

    PackedExecution(ItemExecutor single, ProviderRoster roster, InstantSource clock, Duration maxItemTime,
            ExecutorService calls, WorkerMetrics metrics) {
        this.single = single;
        this.roster = roster;
        this.clock = clock;
        this.maxItemTime = maxItemTime;
        this.calls = calls;
        this.metrics = metrics;
    }

    /** One result per item, in order. */
    List<ItemResult> execute(List<BatchItem> items) throws InterruptedException {
        List<Pack.Item> packed = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            packed.add(new Pack.Item(packId(items.get(i), i), items.get(i).request()));
        }
        Pack pack = new Pack(packed);
        List<Attempt> chain = roster.chainFor(items.getFirst().request());
        Attempt attempt = chain.getFirst();
        Map<String, ProviderAnswer> parts = packedCall(attempt, chain, pack, items);
        List<Future<ItemResult>> alone = new ArrayList<>();
        ItemResult[] results = new ItemResult[items.size()];
        for (int i = 0; i < items.size(); i++) {
            ProviderAnswer part = parts.get(packed.get(i).id());
            if (part != null) {
                results[i] = ItemExecutor.completed(items.get(i), attempt, part);
                metrics.item(attempt.provider().name(), results[i].status().name());
                alone.add(null);
            } else {
                BatchItem item = items.get(i);
                alone.add(calls.submit(() -> single.execute(item)));
            }
        }
        LOG.debug("packed call to {}: {} of {} items answered", attempt.provider().name(), parts.size(), items.size());
        metrics.packedItems(attempt.provider().name(), "answered", parts.size());
        metrics.packedItems(attempt.provider().name(), "alone", items.size() - parts.size());
        try {
            for (int i = 0; i < items.size(); i++) {
                if (alone.get(i) != null) {
                    results[i] = alone.get(i).get();
                }
            }
        } catch (InterruptedException e) {
            alone.stream().filter(java.util.Objects::nonNull).forEach(f -> f.cancel(true));
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an item failed outside its own error handling", e.getCause());
        }
        return List.of(results);
    }

    /** Not guessable from the position alone, so a model cannot produce another item's id by counting. */
    private static String packId(BatchItem item, int index) {
        return Integer.toHexString(item.cacheKey().hashCode() & 0x0fffffff) + "-" + (index + 1);
    }

    /** The parts the packed call answered; none when it failed (each item then runs on its own). */
    private Map<String, ProviderAnswer> packedCall(Attempt attempt, List<Attempt> chain, Pack pack,
            List<BatchItem> items) {
        Instant start = clock.instant();
        Instant deadline = start.plus(maxItemTime);
        for (BatchItem item : items) {
            Instant own = item.request().deadline();
            if (own != null && own.isBefore(deadline)) {
                deadline = own;
            }
        }
        Duration remaining = Duration.between(start, deadline);
        if (remaining.isNegative() || remaining.isZero()) {
            return Map.of();
        }
        Duration budget = ItemExecutor.budget(chain, 0, remaining);
        String name = attempt.provider().name();
        try {
            ProviderAnswer answer = single.call(attempt, ProviderCall.packed(pack, attempt.model(), start.plus(budget)), budget);
            metrics.providerCall(attempt.provider(), attempt.model(), "success", Duration.between(start, clock.instant()));
            return answer.parts();
        } catch (FatalProviderException e) {
            metrics.providerCall(attempt.provider(), attempt.model(), e.kind().name().toLowerCase(java.util.Locale.ROOT),
                    Duration.between(start, clock.instant()));
        } catch (RetriableProviderException e) {
            metrics.providerCall(attempt.provider(), attempt.model(), e.kind().name().toLowerCase(java.util.Locale.ROOT),
                    Duration.between(start, clock.instant()));
        } catch (TimeoutException e) {
            metrics.providerCall(attempt.provider(), attempt.model(), "deadline", Duration.between(start, clock.instant()));
        }
        LOG.debug("packed call to {} failed; its {} items run on their own", name, items.size());
        return Map.of();
    }
}
