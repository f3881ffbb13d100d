package dev.athena.workers.execution;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisBatch;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.topic.TopicSpec;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.BatchApi;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.RetriableProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk-lane batches through the providers' batch APIs. A batch goes there only when every item is bulk, every
 * item's first provider is the same one and has its batch API on, and every deadline is at least that
 * provider's minimum away (batch APIs take minutes to hours). Every exchange with a batch API passes the
 * provider's own rate limit, bulkhead and breaker ({@link dev.athena.workers.provider.spi.BatchGuard}).
 * Submitting is one attempt: when it fails or the guards refuse it, the batch takes the normal path, with its
 * failover, at once; a poll that fails or is refused is asked again at the next interval. Polling turns an
 * ended provider batch into the batch's one {@link BatchResult}: answered items COMPLETED, errored or unanswered
 * ones FAILED, items already past their deadline EXPIRED; a provider batch that failed as a whole is run the
 * normal way instead. Each poll first reads the batch's cancellations: requesters cancelled meanwhile get
 * CANCELLED instead of their answer, and a provider batch all of whose requesters were cancelled is cancelled at
 * the provider and ends at once. A provider batch whose pending record never got committed is cancelled
 * ({@link #cancelOrphan}).
 */
public final class ProviderBatches {
    /** Pending provider batches, compacted by batch id; a tombstone once the result is written. */
    public static final String TOPIC = "athena.provider-batches";
    public static final TopicSpec TOPIC_SPEC = new TopicSpec(TOPIC, 6, Map.of("cleanup.policy", "compact",
            "max.message.bytes", String.valueOf(8 * 1024 * 1024)));
    /**
     * The largest pending record written: it carries the whole batch. A batch whose record would not fit takes the
     * normal path instead of being submitted, refused at the commit, redone and submitted again, for ever. Set
     * when the producer sent at most 1 MiB; it now sends up to the topics' limit, so this is on the safe side.
     */
    static final int MAX_PENDING_BYTES = 1_000_000;
    /** How long an item without a deadline of its own may wait in a provider batch: the APIs' own window. */
    static final Duration NO_DEADLINE_WINDOW = Duration.ofHours(24);
    private static final Logger LOG = LoggerFactory.getLogger(ProviderBatches.class);

    /** One provider's batch API and the least time its items must have left. */
    public record Api(BatchApi api, Duration minDeadline) {
    }

    private final String group;
    private final Map<String, Api> apis;
    private final ProviderRoster roster;
    private final BatchExecutor fallback;
    private final InstantSource clock;
    private final WorkerMetrics metrics;
    private final String topic;

    public ProviderBatches(String group, Map<String, Api> apis, ProviderRoster roster, BatchExecutor fallback,
            InstantSource clock, WorkerMetrics metrics) {
        this(group, apis, roster, fallback, clock, metrics, TOPIC);
    }

    /** With the pending records on {@code topic} instead of {@link #TOPIC} (tests). */
    ProviderBatches(String group, Map<String, Api> apis, ProviderRoster roster, BatchExecutor fallback,
            InstantSource clock, WorkerMetrics metrics, String topic) {
        this.topic = topic;
        this.metrics = metrics;
        this.group = group;
        this.apis = Map.copyOf(apis);
        this.roster = roster;
        this.fallback = fallback;
        this.clock = clock;
    }

    String group() {
        return group;
    }

    /** Where the pending records live. */
    String topic() {
        return topic;
    }

    /** The pending record when the batch went to a provider's batch API; empty when it takes the normal path. */
    Optional<ProviderBatchRecord> trySubmit(AnalysisBatch batch) {
        if (apis.isEmpty() || batch.items().isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String provider = null;
        List<String> models = new ArrayList<>();
        for (BatchItem item : batch.items()) {
            if (item.request().lane() != Lane.BULK) {
                return Optional.empty();
            }
            Attempt first = roster.chainFor(item.request()).getFirst();
            Api api = apis.get(first.provider().name());
            if (api == null || first.degraded() || provider != null && !provider.equals(first.provider().name())) {
                return Optional.empty();
            }
            Instant deadline = item.request().deadline();
            if (deadline != null && deadline.isBefore(now.plus(api.minDeadline()))) {
                return Optional.empty();
            }
            provider = first.provider().name();
            models.add(first.model());
        }
        if (!fallback.cancelled(batch).isEmpty()) {
            LOG.info("batch {} runs the normal way: a requester of it was cancelled", batch.batchId());
            return Optional.empty();
        }
        int recordBytes = Json.write(new ProviderBatchRecord(group, batch, provider, "", models, now)).length;
        if (recordBytes > MAX_PENDING_BYTES) {
            LOG.info("batch {} runs the normal way: its pending record would take {} bytes, more than {}",
                    batch.batchId(), recordBytes, MAX_PENDING_BYTES);
            return Optional.empty();
        }
        List<BatchApi.Call> calls = new ArrayList<>();
        calls(batch, models, now).forEach((id, call) -> calls.add(new BatchApi.Call(id, call)));
        try {
            String id = apis.get(provider).api().submit(calls);
            metrics.batchApiCall(provider, "submit", "ok");
            LOG.info("batch {} ({} items) submitted to {}'s batch API as {}", batch.batchId(), calls.size(), provider,
                    id);
            return Optional.of(new ProviderBatchRecord(group, batch, provider, id, models, now));
        } catch (RuntimeException e) {
            // refused by the guards or failed: either way nothing is pending, and the normal path has failover
            metrics.batchApiCall(provider, "submit", outcome(e));
            LOG.warn("batch {} could not be submitted to {}'s batch API, running it now instead: {}", batch.batchId(),
                    provider, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Best effort, for a provider batch the provider accepted but whose pending record was never committed (the
     * transaction aborted, or the partition went elsewhere first): nobody will ever read it, and the batch itself
     * is redone by whoever owns it now, so the provider batch is cancelled. A cancel that fails leaves it to run
     * out unread: that costs money but never produces a result.
     */
    void cancelOrphan(ProviderBatchRecord orphan) {
        Api api = apis.get(orphan.provider());
        if (api == null) {
            return;
        }
        boolean cancelled = cancelAtProvider(api, orphan, "its pending record was never committed");
        metrics.orphan(orphan.provider(), cancelled ? "cancelled" : "left");
    }

    /** Whether the provider took the cancel; counted and logged either way. */
    private boolean cancelAtProvider(Api api, ProviderBatchRecord pending, String why) {
        try {
            api.api().cancel(pending.providerBatchId());
            metrics.batchApiCall(pending.provider(), "cancel", "ok");
            LOG.info("{} batch {} for batch {} cancelled: {}", pending.provider(), pending.providerBatchId(),
                    pending.batch().batchId(), why);
            return true;
        } catch (RuntimeException e) {
            metrics.batchApiCall(pending.provider(), "cancel", outcome(e));
            LOG.warn("{} batch {} for batch {} could not be cancelled ({}); it runs out unread: {}",
                    pending.provider(), pending.providerBatchId(), pending.batch().batchId(), why, e.getMessage());
            return false;
        }
    }

    /**
     * Asks the provider how the batch stands: its result once it has ended, empty while it is still running or
     * the provider could not be asked (asked again later).
     *
     * @throws InterruptedException when stopping while a failed provider batch is being run the normal way
     */
    Optional<BatchResult> poll(ProviderBatchRecord pending) throws InterruptedException {
        Api api = apis.get(pending.provider());
        if (api == null) {
            LOG.warn("batch {} waits in {}'s batch API, which is not enabled here: running it now",
                    pending.batch().batchId(), pending.provider());
            return Optional.of(fallback.execute(pending.batch()));
        }
        CancellationSplit split = CancellationSplit.of(pending.batch(), fallback.cancelled(pending.batch()));
        if (split.everyoneCancelled()) {
            // nobody will read its answers: best effort, as for an orphan
            cancelAtProvider(api, pending, "every requester of it was cancelled");
            return Optional.of(split.result(List.of(), this::cancelledWhileRunning, clock.instant()));
        }
        Map<String, ProviderCall> calls = calls(pending.batch(), pending.models(), pending.submittedAt());
        BatchApi.Status status;
        try {
            status = api.api().poll(pending.providerBatchId(), calls);
            metrics.batchApiCall(pending.provider(), "poll", "ok");
        } catch (RuntimeException e) {
            metrics.batchApiCall(pending.provider(), "poll", outcome(e));
            LOG.warn("polling {} batch {} failed, asking again later: {}", pending.provider(),
                    pending.providerBatchId(), e.getMessage());
            return Optional.empty();
        }
        return switch (status) {
            case BatchApi.Status.Pending p -> Optional.empty();
            case BatchApi.Status.Failed f -> {
                LOG.warn("{} batch {} for {}: {}; running it now", pending.provider(), pending.providerBatchId(),
                        pending.batch().batchId(), f.reason());
                yield Optional.of(fallback.execute(pending.batch()));
            }
            case BatchApi.Status.Done d -> Optional.of(result(pending, split, d.outcomes()));
        };
    }

    private ItemResult cancelledWhileRunning(BatchItem item) {
        return fallback.cancelledResult(item, "while its provider batch was running");
    }

    /** The answers for the requesters still waiting; the cancelled ones get CANCELLED, answered or not. */
    private BatchResult result(ProviderBatchRecord pending, CancellationSplit split,
            Map<String, BatchApi.Outcome> outcomes) {
        Instant now = clock.instant();
        List<ItemResult> items = new ArrayList<>();
        for (int i = 0; i < split.kept().size(); i++) {
            BatchItem item = split.kept().get(i);
            if (item == null) {
                continue;
            }
            Instant deadline = item.request().deadline();
            BatchApi.Outcome outcome = outcomes.get(customId(i));
            if (deadline != null && !deadline.isAfter(now)) {
                items.add(ItemExecutor.expired(item, "the provider's batch ended after the item's deadline"));
            } else if (outcome instanceof BatchApi.Outcome.Answered a) {
                Attempt attempt = new Attempt(roster.chainFor(item.request()).getFirst().provider(),
                        pending.models().get(i), false);
                items.add(ItemExecutor.completed(item, attempt, a.answer()));
            } else if (outcome instanceof BatchApi.Outcome.Errored e) {
                items.add(ItemExecutor.ended(item, ResultStatus.FAILED, new ErrorInfo("PROVIDER_BATCH_ERROR",
                        e.message())));
            } else {
                items.add(ItemExecutor.ended(item, ResultStatus.FAILED, new ErrorInfo("PROVIDER_BATCH_ERROR",
                        pending.provider() + ": its batch " + pending.providerBatchId()
                                + " returned nothing for this item")));
            }
        }
        return split.result(items, this::cancelledWhileRunning, now);
    }

    private static Map<String, ProviderCall> calls(AnalysisBatch batch, List<String> models, Instant submittedAt) {
        Map<String, ProviderCall> calls = new LinkedHashMap<>();
        for (int i = 0; i < batch.items().size(); i++) {
            BatchItem item = batch.items().get(i);
            Instant deadline = item.request().deadline() != null ? item.request().deadline()
                    : submittedAt.plus(NO_DEADLINE_WINDOW);
            calls.put(customId(i), new ProviderCall(item.request(), models.get(i), deadline,
                    ProviderCall.DeltaSink.NONE));
        }
        return calls;
    }

    /** refused: our own guards said no and nothing reached the provider; failed: anything else. */
    private static String outcome(RuntimeException e) {
        return e instanceof RetriableProviderException r && !r.kind().providerFault() ? "refused" : "failed";
    }

    static String customId(int index) {
        return "item-" + index;
    }
}
