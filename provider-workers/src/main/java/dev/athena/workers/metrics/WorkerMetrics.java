package dev.athena.workers.metrics;

import dev.athena.workers.provider.spi.Provider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Every meter of the provider workers, declared here once. Tags are low-cardinality only: provider, model
 * (the configured one or {@value #OTHER_MODEL}), outcome, status, reason. Request, batch and client ids go to logs, never to tags.
 */
public final class WorkerMetrics {
    public static final String BATCHES = "athena.workers.batches";
    public static final String BATCH_DURATION = "athena.workers.batch.duration";
    public static final String ITEMS = "athena.workers.items";
    public static final String POISON_RECORDS = "athena.workers.poison.records";
    public static final String TRANSACTIONS = "athena.workers.transactions";
    public static final String PROVIDER_CALLS = "athena.provider.calls";
    public static final String PROVIDER_LATENCY = "athena.provider.latency";
    public static final String FAILOVERS = "athena.provider.failovers";
    public static final String SHARED_ITEMS = "athena.workers.items.shared";
    public static final String PACKED_ITEMS = "athena.provider.packed.items";
    public static final String RETRIES = "athena.provider.retries";
    public static final String LIMITER_REJECTIONS = "athena.provider.ratelimit.rejections";
    public static final String LIMITER_WAIT = "athena.provider.ratelimit.wait";
    public static final String BULKHEAD_QUEUED = "athena.provider.bulkhead.queued";
    public static final String TOKENS = "athena.provider.tokens";
    public static final String COST = "athena.provider.cost.usd";
    public static final String CHUNKS = "athena.workers.chunks";
    public static final String HEALTH_PUBLISHES = "athena.workers.health.publishes";
    public static final String BATCH_API_CALLS = "athena.provider.batch.calls";
    public static final String PROVIDER_BATCH_TRANSACTIONS = "athena.workers.provider.batch.transactions";
    public static final String BATCH_ORPHANS = "athena.provider.batch.orphans";
    public static final String CANCELLATIONS = "athena.workers.cancellations";
    /** The model tag of every model but the configured one. */
    public static final String OTHER_MODEL = "other";
    private static final Pattern SNAPSHOT_SUFFIX = Pattern.compile("-(\\d{8}|\\d{4}-\\d{2}-\\d{2})");
    // resilience4j's own meters are bound as well: resilience4j.circuitbreaker.state, .calls,
    // resilience4j.bulkhead.available.concurrent.calls, ... tagged by name = provider

    private final MeterRegistry registry;
    private final Counter poison;
    private final Timer batchDuration;

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.poison = Counter.builder(POISON_RECORDS)
                .description("batch records that could not be read and were skipped")
                .register(registry);
        this.batchDuration = Timer.builder(BATCH_DURATION)
                .description("time to execute one batch, all items")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void poisonRecord() {
        poison.increment();
    }

    public void batch(String outcome, Duration took) {
        Counter.builder(BATCHES).description("batches handled").tag("outcome", outcome).register(registry)
                .increment();
        batchDuration.record(took);
    }

    public void item(String provider, String status) {
        Counter.builder(ITEMS).description("batch items by final status").tag("provider", provider)
                .tag("status", status).register(registry).increment();
    }

    /** An item answered by another item's call to {@code provider}, asked the same question at the same time. */
    public void sharedItem(String provider) {
        Counter.builder(SHARED_ITEMS).description("items answered by a call another item was making already")
                .tag("provider", provider).register(registry).increment();
    }

    /** A cancellation read from Kafka: {@code recorded}, or {@code refused} (to the DLQ). */
    public void cancellation(String outcome) {
        Counter.builder(CANCELLATIONS).description("cancellations read from athena.cancellations")
                .tag("outcome", outcome).register(registry).increment();
    }

    public void transaction(String outcome) {
        Counter.builder(TRANSACTIONS).description("worker transactions").tag("outcome", outcome)
                .register(registry).increment();
    }

    /** One attempt at {@code provider} with {@code model}; the model tag is bounded ({@link #modelTag}). */
    public void providerCall(Provider provider, String model, String outcome, Duration took) {
        String tag = modelTag(provider, model);
        Counter.builder(PROVIDER_CALLS).description("provider attempts").tag("provider", provider.name())
                .tag("model", tag).tag("outcome", outcome).register(registry).increment();
        Timer.builder(PROVIDER_LATENCY).description("provider attempt latency").tag("provider", provider.name())
                .tag("model", tag).register(registry).record(took);
    }

    /**
     * The model as a tag: the provider's configured model, when {@code model} is it or a dated snapshot of it
     * (providers answer {@code claude-sonnet-4-5-20250929} or {@code gpt-4o-mini-2024-07-18} for what was asked
     * by its alias), else {@value #OTHER_MODEL}. A request may name any model, and every distinct tag value is a
     * new meter kept for the life of the process: the client's free text would grow them without bound.
     */
    public static String modelTag(Provider provider, String model) {
        String configured = provider.defaultModel();
        if (model == null || configured == null || !model.startsWith(configured)) {
            return OTHER_MODEL;
        }
        String rest = model.substring(configured.length());
        return rest.isEmpty() || SNAPSHOT_SUFFIX.matcher(rest).matches() ? configured : OTHER_MODEL;
    }

    public void retry(String provider, String kind) {
        Counter.builder(RETRIES).description("attempts repeated at the same provider").tag("provider", provider)
                .tag("kind", kind).register(registry).increment();
    }

    public void limiterWait(String provider, Duration waited) {
        Timer.builder(LIMITER_WAIT).description("time spent waiting for rate budget").tag("provider", provider)
                .register(registry).record(waited);
    }

    public void limiterRejection(String provider) {
        Counter.builder(LIMITER_REJECTIONS).description("calls refused by our own rate limiter or bulkhead")
                .tag("provider", provider).register(registry).increment();
    }

    public void bulkheadQueued(String provider, java.util.concurrent.atomic.AtomicInteger queued) {
        io.micrometer.core.instrument.Gauge.builder(BULKHEAD_QUEUED, queued, java.util.concurrent.atomic.AtomicInteger::get)
                .description("callers waiting for a bulkhead slot").tag("provider", provider).register(registry);
    }

    /** What one answer of {@code provider} cost; the model tag is bounded ({@link #modelTag}). */
    public void usage(Provider answering, String answeredModel, dev.athena.schemas.message.Usage usage) {
        String provider = answering.name();
        String model = modelTag(answering, answeredModel);
        Counter.builder(TOKENS).description("tokens used").tag("provider", provider).tag("model", model)
                .tag("direction", "input").register(registry).increment(usage.inputTokens());
        Counter.builder(TOKENS).description("tokens used").tag("provider", provider).tag("model", model)
                .tag("direction", "output").register(registry).increment(usage.outputTokens());
        Counter.builder(TOKENS).description("tokens used").tag("provider", provider).tag("model", model)
                .tag("direction", "cache_read").register(registry).increment(usage.cacheReadTokens());
        Counter.builder(COST).description("money spent").tag("provider", provider).tag("model", model)
                .register(registry).increment(usage.costUsd());
    }

    public void chunk() {
        Counter.builder(CHUNKS).description("streamed chunks published").register(registry).increment();
    }

    /**
     * outcome: published, skipped (Redis unavailable: the snapshot is dropped, the workers carry on), withdrawn
     * (the worker's loop or poller died: its snapshots are removed and no more are written).
     */
    public void healthPublish(String outcome) {
        Counter.builder(HEALTH_PUBLISHES).description("provider health snapshots written to Redis")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** outcome: answered (by its packed call), alone (not covered unambiguously, or the call failed: run alone). */
    public void packedItems(String provider, String outcome, int count) {
        Counter.builder(PACKED_ITEMS).description("items sent in packed calls, by what became of them")
                .tag("provider", provider).tag("outcome", outcome).register(registry).increment(count);
    }

    /**
     * One use of a provider's batch API. call: submit, poll, cancel; outcome: ok, refused (our own limiter,
     * bulkhead or an open breaker said no: nothing was sent), failed (the provider or the network failed).
     */
    public void batchApiCall(String provider, String call, String outcome) {
        Counter.builder(BATCH_API_CALLS).description("uses of a provider's batch API, by what came of them")
                .tag("provider", provider).tag("call", call).tag("outcome", outcome).register(registry).increment();
    }

    /**
     * A transaction of the provider batch poller (a result and its tombstone). outcome: committed, aborted
     * (tried again later), fenced (another instance owns the batch now: its result is theirs to write).
     */
    public void providerBatchTransaction(String outcome) {
        Counter.builder(PROVIDER_BATCH_TRANSACTIONS).description("provider batch poller transactions")
                .tag("outcome", outcome).register(registry).increment();
    }

    /**
     * A provider batch the provider accepted whose pending record was never committed, so nobody will read it.
     * outcome: cancelled (the provider took the cancel), left (the cancel failed or was refused: it runs out
     * unread, costing money but producing nothing).
     */
    public void orphan(String provider, String outcome) {
        Counter.builder(BATCH_ORPHANS).description("provider batches submitted but never recorded as pending")
                .tag("provider", provider).tag("outcome", outcome).register(registry).increment();
    }

    public void failover(String from, String reason) {
        Counter.builder(FAILOVERS).description("items moved on to the next provider").tag("from", from)
                .tag("reason", reason).register(registry).increment();
    }
}
