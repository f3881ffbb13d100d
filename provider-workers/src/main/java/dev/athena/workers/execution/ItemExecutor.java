package dev.athena.workers.execution;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.BatchItem;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Usage;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.spi.ProviderException;
import dev.athena.workers.provider.spi.RetriableProviderException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one batch item into exactly one {@link ItemResult}, whatever happens: walks the item's failover chain,
 * moving on when a provider fails in a way another provider may not, and stops at the item's deadline. It never
 * throws. Each attempt runs on its own virtual thread so that a provider that ignores its deadline cannot hold
 * the item past it.
 */
public final class ItemExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ItemExecutor.class);
    private static final Duration BUILTIN_RESERVE = Duration.ofSeconds(2);

    private final ProviderRoster roster;
    private final InstantSource clock;
    private final Duration maxItemTime;
    private final ExecutorService calls;
    private final WorkerMetrics metrics;
    private final ChunkPublisher chunks;

    public ItemExecutor(ProviderRoster roster, InstantSource clock, Duration maxItemTime, ExecutorService calls,
            WorkerMetrics metrics) {
        this(roster, clock, maxItemTime, calls, metrics, ChunkPublisher.NONE);
    }

    public ItemExecutor(ProviderRoster roster, InstantSource clock, Duration maxItemTime, ExecutorService calls,
            WorkerMetrics metrics, ChunkPublisher chunks) {
        this.roster = roster;
        this.clock = clock;
        this.maxItemTime = maxItemTime;
        this.calls = calls;
        this.metrics = metrics;
        this.chunks = chunks;
    }

    public ItemResult execute(BatchItem item) {
        ItemResult result;
        Chunks stream = item.request().streaming() ? new Chunks(item) : null;
        try {
            result = run(item, stream == null ? ProviderCall.DeltaSink.NONE : stream::delta);
        } catch (RuntimeException e) {
            LOG.error("item {} failed unexpectedly", item.cacheKey(), e);
            result = ended(item, ResultStatus.FAILED, new ErrorInfo("INTERNAL_ERROR",
                    "the worker failed while executing this item: " + e.getClass().getSimpleName()));
        }
        metrics.item(result.servedBy() == null ? "none" : result.servedBy().provider(), result.status().name());
        if (stream != null) {
            stream.end();
        }
        return result;
    }

    /**
     * The result of an item whose question another item is asking a provider now ({@link InFlightQuestions}):
     * that answer, as the item's own (its requesters, marked {@code cached}, no usage, since it cost nothing
     * more), when it completes in time; otherwise the item runs as it would have alone. Waits no longer than the
     * item's deadline, or the time an item may take.
     *
     * @throws InterruptedException when the worker is stopping
     */
    public ItemResult follow(BatchItem item, CompletableFuture<ItemResult> leader) throws InterruptedException {
        Instant cap = clock.instant().plus(maxItemTime);
        Instant deadline = item.request().deadline();
        Instant until = deadline != null && deadline.isBefore(cap) ? deadline : cap;
        ItemResult answer = null;
        try {
            answer = leader.get(Math.max(1, Duration.between(clock.instant(), until).toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            // no answer to share: the item is on its own
        }
        if (answer != null && answer.status() == ResultStatus.COMPLETED) {
            metrics.sharedItem(answer.servedBy().provider());
            metrics.item(answer.servedBy().provider(), answer.status().name());
            return shared(item, answer);
        }
        if (answer == null && deadline != null && !clock.instant().isBefore(deadline)) {
            ItemResult expired = expired(item, "no answer before the deadline " + deadline + ": the same question, "
                    + "asked by another batch item, was still being answered");
            metrics.item("none", expired.status().name());
            return expired;
        }
        return execute(item);
    }

    static ItemResult shared(BatchItem item, ItemResult answer) {
        AnalysisRequest request = item.request();
        return new ItemResult(item.cacheKey(), item.requesters(), request.analysisType(), request.path(),
                ResultStatus.COMPLETED, answer.servedBy(), answer.findings(), answer.summary(), Usage.NONE, null, true);
    }

    /** The chunks of one streamed item, the same sequence for each of its requesters. */
    private final class Chunks {
        private final BatchItem item;
        private final java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong();

        Chunks(BatchItem item) {
            this.item = item;
        }

        void delta(String text) {
            long seq = sequence.getAndIncrement();
            item.requesters().forEach(r -> chunks.publish(r, seq, text, false));
        }

        void end() {
            long seq = sequence.getAndIncrement();
            item.requesters().forEach(r -> chunks.publish(r, seq, "", true));
        }
    }

    /** The batch's items grouped for {@link #executeGroup}: packed together where a provider packs, else alone. */
    public List<List<Integer>> groups(List<BatchItem> items) {
        return PackPlanner.plan(items, roster, clock.instant());
    }

    /**
     * One result per item, in order: a group of one is {@link #execute executed}, a larger one goes to its first
     * provider in one packed call ({@link PackedExecution}).
     *
     * @throws InterruptedException when the worker is stopping
     */
    public List<ItemResult> executeGroup(List<BatchItem> items) throws InterruptedException {
        return items.size() == 1 ? List.of(execute(items.getFirst()))
                : new PackedExecution(this, roster, clock, maxItemTime, calls, metrics).execute(items);
    }

    private ItemResult run(BatchItem item, ProviderCall.DeltaSink sink) {
        AnalysisRequest request = item.request();
        Instant start = clock.instant();
        if (request.deadline() != null && !start.isBefore(request.deadline())) {
            return expired(item, "the deadline " + request.deadline() + " had passed before work started");
        }
        Instant cap = start.plus(maxItemTime);
        Instant deadline = request.deadline() != null && request.deadline().isBefore(cap) ? request.deadline() : cap;
        StringBuilder failures = new StringBuilder();
        String lastCode = "PROVIDERS_FAILED";
        List<Attempt> chain = roster.chainFor(request);
        boolean outOfTime = false;
        for (int i = 0; i < chain.size() && !outOfTime; i++) {
            Attempt attempt = chain.get(i);
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                break;
            }
            Duration budget = budget(chain, i, remaining);
            String name = attempt.provider().name();
            Instant began = clock.instant();
            // only a real sink is wrapped: a provider treats any other as a stream someone reads
            AttemptSink streamed = sink == ProviderCall.DeltaSink.NONE ? null : new AttemptSink(sink);
            try {
                ProviderAnswer answer = call(attempt, request, clock.instant().plus(budget), budget,
                        streamed == null ? sink : streamed);
                metrics.providerCall(attempt.provider(), attempt.model(), "success", Duration.between(began, clock.instant()));
                return completed(item, attempt, answer);
            } catch (FatalProviderException e) {
                metrics.providerCall(attempt.provider(), attempt.model(), e.kind().name().toLowerCase(java.util.Locale.ROOT),
                        Duration.between(began, clock.instant()));
                if (!e.kind().failover()) {
                    return ended(item, ResultStatus.FAILED, new ErrorInfo(e.code(), name + ": " + e.getMessage()));
                }
                lastCode = e.code();
                note(failures, name, e.getMessage());
                metrics.failover(name, e.kind().name().toLowerCase(java.util.Locale.ROOT));
            } catch (RetriableProviderException e) {
                metrics.providerCall(attempt.provider(), attempt.model(), e.kind().name().toLowerCase(java.util.Locale.ROOT),
                        Duration.between(began, clock.instant()));
                lastCode = e.code();
                note(failures, name, e.getMessage());
                metrics.failover(name, e.kind().name().toLowerCase(java.util.Locale.ROOT));
            } catch (TimeoutException e) {
                metrics.providerCall(attempt.provider(), attempt.model(), "deadline", Duration.between(began, clock.instant()));
                // call() closed the sink before cancelling, so what it holds now is all the client saw
                if (streamed != null && streamed.delivered()) {
                    // the client has part of this answer: another provider's would not continue it
                    return ended(item, ResultStatus.FAILED, new ErrorInfo("PROVIDER_STREAM_CUT", name
                            + ": the answer was cut after text had been streamed: no more of it came before "
                            + "the deadline"));
                }
                lastCode = "PROVIDER_TIMEOUT";
                note(failures, name, "no answer before the deadline");
                // given all the time that was left, it used it up: what remains is clock jitter, not a chance
                outOfTime = budget.equals(remaining);
            }
            LOG.debug("item {}: {} failed, moving on ({})", item.cacheKey(), name, failures);
        }
        boolean requestDeadlineReached = request.deadline() != null
                && ((outOfTime && deadline.equals(request.deadline())) || !clock.instant().isBefore(request.deadline()));
        if (requestDeadlineReached) {
            return expired(item, "no answer before the deadline " + request.deadline()
                    + (failures.isEmpty() ? "" : " (" + failures + ")"));
        }
        return ended(item, ResultStatus.FAILED, new ErrorInfo(lastCode, failures.isEmpty()
                ? "no provider answered before the worker's time limit of " + maxItemTime.toSeconds() + "s"
                : "every provider failed: " + failures));
    }

    /**
     * How long attempt {@code index} may take: the remote providers still in the chain share what is left
     * equally, so a provider that stalls or waits out rate limits cannot use up the time of those after it; the
     * offline analyser, last and near-instant, keeps a small reserve.
     */
    static Duration budget(List<Attempt> chain, int index, Duration remaining) {
        long remoteLeft = chain.subList(index, chain.size()).stream()
                .filter(a -> !a.provider().name().equals(dev.athena.workers.provider.builtin.BuiltinProvider.NAME))
                .count();
        if (remoteLeft == 0 || index == chain.size() - 1) {
            return remaining;
        }
        boolean builtinAfter = chain.getLast().provider().name()
                .equals(dev.athena.workers.provider.builtin.BuiltinProvider.NAME);
        Duration reserve = builtinAfter ? BUILTIN_RESERVE : Duration.ZERO;
        Duration shared = remaining.minus(reserve);
        return shared.isNegative() || shared.isZero() ? remaining : shared.dividedBy(remoteLeft);
    }

    private ProviderAnswer call(Attempt attempt, AnalysisRequest request, Instant deadline, Duration remaining,
            ProviderCall.DeltaSink sink) throws TimeoutException {
        return call(attempt, new ProviderCall(request, attempt.model(), deadline, sink), remaining);
    }

    /** One attempt on its own virtual thread, abandoned after {@code remaining}. */
    ProviderAnswer call(Attempt attempt, ProviderCall call, Duration remaining) throws TimeoutException {
        Future<ProviderAnswer> future = calls.submit(() -> attempt.provider().analyse(call));
        try {
            return future.get(Math.max(1, remaining.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new RetriableProviderException(attempt.provider().name(), RetriableProviderException.Kind.TIMEOUT,
                    0, "interrupted while waiting for the provider");
        } catch (TimeoutException e) {
            if (call.deltas() instanceof AttemptSink streamed) {
                // before the cancel: an interrupted call may still flush what it had buffered
                streamed.close();
            }
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProviderException pe) {
                throw pe;
            }
            LOG.warn("provider {} raised an unexpected error", attempt.provider().name(), e.getCause());
            throw new RetriableProviderException(attempt.provider().name(),
                    RetriableProviderException.Kind.SERVER_ERROR, 0, null,
                    "unexpected " + e.getCause().getClass().getSimpleName() + " in the adapter", null);
        }
    }

    private static void note(StringBuilder failures, String provider, String message) {
        if (!failures.isEmpty()) {
            failures.append("; ");
        }
        failures.append(provider).append(": ").append(message);
    }

    static ItemResult completed(BatchItem item, Attempt attempt, ProviderAnswer answer) {
        AnalysisRequest request = item.request();
        return new ItemResult(item.cacheKey(), item.requesters(), request.analysisType(), request.path(),
                ResultStatus.COMPLETED, new ServedBy(attempt.provider().name(), answer.model(), attempt.degraded()),
                answer.findings(), answer.summary(), answer.usage(), null, false);
    }

    /** The one result of requesters whose client cancelled them before a provider was asked. */
    public ItemResult cancelled(BatchItem item) {
        return cancelled(item, "before a provider was asked");
    }

    /** The one result of requesters whose client cancelled them; {@code when} ends the message. */
    ItemResult cancelled(BatchItem item, String when) {
        ItemResult result = ended(item, ResultStatus.CANCELLED, new ErrorInfo(ErrorInfo.CANCELLED,
                "cancelled by its client " + when));
        metrics.item("none", result.status().name());
        return result;
    }

    static ItemResult expired(BatchItem item, String message) {
        return ended(item, ResultStatus.EXPIRED, new ErrorInfo(ErrorInfo.DEADLINE_EXCEEDED, message));
    }

    static ItemResult ended(BatchItem item, ResultStatus status, ErrorInfo error) {
        AnalysisRequest request = item.request();
        return new ItemResult(item.cacheKey(), item.requesters(), request.analysisType(), request.path(), status,
                null, List.of(), error.message(), null, error, false);
    }
}
