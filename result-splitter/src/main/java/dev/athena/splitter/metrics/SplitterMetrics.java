package dev.athena.splitter.metrics;

import dev.athena.schemas.message.ResultStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Every meter of the result splitter, declared once. Tags are small fixed sets (status, tier, outcome, kind);
 * request and client ids never become tags.
 */
public final class SplitterMetrics {
    public enum Tier { L1, REDIS }

    public enum Lookup { HIT, MISS }

    public enum Write { OK, FAILED, DROPPED }

    public enum Poison { RECORD, ITEM, REQUESTER }

    public enum Invalidation { KEY, PATTERN, TAG, ALL }

    private final MeterRegistry registry;
    private final Map<ResultStatus, Counter> results = new EnumMap<>(ResultStatus.class);
    private final Map<Poison, Counter> poison = new EnumMap<>(Poison.class);
    private final Map<String, Counter> dynamic = new ConcurrentHashMap<>();
    private final Counter batches;
    private final Counter committed;
    private final Counter aborted;
    private final Counter redisErrors;
    private final Counter rowsPersisted;
    private final Counter persistFailures;
    private final Counter rowsRefused;
    private final Counter truncated;
    private final Timer transaction;

    public SplitterMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (ResultStatus status : ResultStatus.values()) {
            results.put(status, Counter.builder("athena.splitter.results").description("results delivered")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (Poison kind : Poison.values()) {
            poison.put(kind, Counter.builder("athena.splitter.poison")
                    .description("input skipped because it could not be read or addressed")
                    .tag("kind", lower(kind)).register(registry));
        }
        batches = Counter.builder("athena.splitter.batches").description("batch results split").register(registry);
        committed = Counter.builder("athena.splitter.transactions").tag("outcome", "committed").register(registry);
        aborted = Counter.builder("athena.splitter.transactions").tag("outcome", "aborted").register(registry);
        redisErrors = Counter.builder("athena.splitter.redis.errors")
                .description("Redis calls that failed; the cache degrades to L1").register(registry);
        rowsPersisted = Counter.builder("athena.splitter.persistence.rows").description("result rows written")
                .register(registry);
        persistFailures = Counter.builder("athena.splitter.persistence.failures")
                .description("PostgreSQL write attempts that failed and will be retried").register(registry);
        rowsRefused = Counter.builder("athena.splitter.persistence.refused")
                .description("rows PostgreSQL refused for good because of their data; skipped, not retried")
                .register(registry);
        truncated = Counter.builder("athena.splitter.results.truncated")
                .description("results cut to fit what their topic takes (the whole result is in PostgreSQL)")
                .register(registry);
        transaction = Timer.builder("athena.splitter.transaction.duration")
                .description("one read-process-write transaction").register(registry);
        for (Tier tier : Tier.values()) {
            for (Lookup outcome : Lookup.values()) {
                lookup(tier, outcome);
            }
            for (Write outcome : Write.values()) {
                write(tier, outcome);
            }
        }
        for (Invalidation kind : Invalidation.values()) {
            invalidation(kind);
        }
    }

    public void result(ResultStatus status) {
        results.get(status).increment();
    }

    public void poison(Poison kind) {
        poison.get(kind).increment();
    }

    public void truncated() {
        truncated.increment();
    }

    public void batch() {
        batches.increment();
    }

    public void transactionCommitted() {
        committed.increment();
    }

    public void transactionAborted() {
        aborted.increment();
    }

    public Timer transactionTimer() {
        return transaction;
    }

    public void redisError() {
        redisErrors.increment();
    }

    public void rowsPersisted(int rows) {
        rowsPersisted.increment(rows);
    }

    public void rowsRefused(int rows) {
        rowsRefused.increment(rows);
    }

    public void persistFailure() {
        persistFailures.increment();
    }

    public Counter lookup(Tier tier, Lookup outcome) {
        return counter("athena.splitter.cache.lookups", "tier", lower(tier), "outcome", lower(outcome));
    }

    public Counter write(Tier tier, Write outcome) {
        return counter("athena.splitter.cache.writes", "tier", lower(tier), "outcome", lower(outcome));
    }

    /** Evictions by the L1's own policy: {@code size} or {@code expired}. */
    public Counter eviction(String cause) {
        return counter("athena.splitter.cache.evictions", "tier", lower(Tier.L1), "cause", cause);
    }

    /** Rows the retention sweep deleted, by table. */
    public Counter retentionDeleted(String table) {
        return dynamic.computeIfAbsent("retention|" + table, key -> Counter
                .builder("athena.splitter.retention.deleted").tag("table", table).baseUnit("rows")
                .register(registry));
    }

    public Counter invalidation(Invalidation kind) {
        return dynamic.computeIfAbsent("invalidations|" + lower(kind), key -> Counter
                .builder("athena.splitter.cache.invalidations").tag("kind", lower(kind)).register(registry));
    }

    public void l1Entries(Supplier<Number> entries) {
        Gauge.builder("athena.splitter.cache.entries", entries).tag("tier", lower(Tier.L1))
                .description("entries in the in-process cache").register(registry);
    }

    /** Result rows read from Kafka but not yet committed to PostgreSQL. */
    public void persistencePending(Supplier<Number> rows) {
        Gauge.builder("athena.splitter.persistence.pending", rows).baseUnit("rows").register(registry);
    }

    /** Age of the oldest result not yet in PostgreSQL; 0 when persistence is caught up. */
    public void persistenceLag(Supplier<Number> seconds) {
        Gauge.builder("athena.splitter.persistence.lag", seconds).baseUnit("seconds").register(registry);
    }

    private Counter counter(String name, String k1, String v1, String k2, String v2) {
        return dynamic.computeIfAbsent(name + '|' + v1 + '|' + v2,
                key -> Counter.builder(name).tag(k1, v1).tag(k2, v2).register(registry));
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
