package dev.athena.collector.metrics;

import dev.athena.collector.cache.CacheTier;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.RejectionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every meter of the collector, declared once. Tags are low-cardinality only (lane, reason, tier, outcome):
 * request and client ids belong in logs and traces, never in tags. Thread-safe: stream threads share it.
 */
public final class CollectorMetrics {
    /** Why a window was closed. */
    public enum CloseReason { TIME, ITEMS, TOKENS, BYTES }

    private final Counter accepted;
    private final Counter duplicates;
    private final Counter coalesced;
    private final Counter expired;
    private final Counter cacheMisses;
    private final Counter quotaDeferred;
    private final Map<RejectionReason, Counter> rejections = new EnumMap<>(RejectionReason.class);
    private final Map<CacheTier, Counter> cacheHits = new EnumMap<>(CacheTier.class);
    private final Map<Lane, Map<CloseReason, Counter>> batches = new EnumMap<>(Lane.class);
    private final Map<Lane, DistributionSummary> batchItems = new EnumMap<>(Lane.class);
    private final Map<Lane, DistributionSummary> batchRequests = new EnumMap<>(Lane.class);
    private final Map<Lane, Timer> windowFill = new EnumMap<>(Lane.class);
    private final AtomicLong openRecords = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();

    /** The meters of the intake of {@code athena.requests}. */
    public CollectorMetrics(MeterRegistry registry) {
        this(registry, Topics.REQUESTS);
    }

    /**
     * The meters of one intake, each tagged {@code intake} = its topic: the collector's applications share the
     * registry, and operators tell a scan's load from interactive traffic by this tag.
     */
    public CollectorMetrics(MeterRegistry registry, String intakeTopic) {
        Tags intake = Tags.of("intake", intakeTopic);
        accepted = Counter.builder("athena.collector.requests").tags(intake).tag("outcome", "accepted")
                .description("requests admitted into a window").register(registry);
        duplicates = Counter.builder("athena.collector.requests").tags(intake).tag("outcome", "duplicate")
                .description("requests dropped because their requestId was already seen").register(registry);
        coalesced = Counter.builder("athena.collector.coalesced").tags(intake)
                .description("requests that joined an identical question already in the window").register(registry);
        cacheMisses = Counter.builder("athena.collector.cache.misses").tags(intake).register(registry);
        expired = Counter.builder("athena.collector.expired").tags(intake)
                .description("requests whose deadline passed while they waited for their client's rate")
                .register(registry);
        quotaDeferred = Counter.builder("athena.collector.quota.deferred").tags(intake)
                .description("items left waiting at a batch because their clients were over quota")
                .register(registry);
        for (RejectionReason reason : RejectionReason.values()) {
            rejections.put(reason, Counter.builder("athena.collector.rejections").tags(intake)
                    .tag("reason", tag(reason)).register(registry));
        }
        for (CacheTier tier : CacheTier.values()) {
            cacheHits.put(tier, Counter.builder("athena.collector.cache.hits").tags(intake).tag("tier", tag(tier))
                    .register(registry));
        }
        for (Lane lane : Lane.values()) {
            Map<CloseReason, Counter> byReason = new EnumMap<>(CloseReason.class);
            for (CloseReason reason : CloseReason.values()) {
                byReason.put(reason, Counter.builder("athena.collector.batches").tags(intake)
                        .tag("lane", lane.wireName()).tag("close", tag(reason)).register(registry));
            }
            batches.put(lane, byReason);
            batchItems.put(lane, DistributionSummary.builder("athena.collector.batch.items").tags(intake)
                    .tag("lane", lane.wireName()).publishPercentileHistogram().register(registry));
            batchRequests.put(lane, DistributionSummary.builder("athena.collector.batch.requests").tags(intake)
                    .tag("lane", lane.wireName()).publishPercentileHistogram().register(registry));
            // a histogram, so a Prometheus server can tell how long batches wait, not only their mean and max
            windowFill.put(lane, Timer.builder("athena.collector.window.fill").tags(intake)
                    .tag("lane", lane.wireName()).description("from a window's first item to its batch")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60)).register(registry));
        }
        Gauge.builder("athena.collector.window.open.records", openRecords, AtomicLong::get).tags(intake)
                .description("requests waiting in open windows").register(registry);
        Gauge.builder("athena.collector.quota.waiting", waiting, AtomicLong::get).tags(intake)
                .description("items of clients over their rates waiting on disk, beyond what windows hold in memory")
                .register(registry);
    }

    /** For tests and tools that do not look at meters. */
    public static CollectorMetrics discarding() {
        return new CollectorMetrics(new SimpleMeterRegistry());
    }

    public void accepted() {
        accepted.increment();
        openRecords.incrementAndGet();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void coalesced() {
        coalesced.increment();
    }

    /** An item whose deadline passed while it waited for its client's rate left with its requesters. */
    public void expired(int requests) {
        expired.increment(requests);
        openRecords.addAndGet(-requests);
    }

    public void rejected(RejectionReason reason) {
        rejections.get(reason).increment();
    }

    public void cacheHit(CacheTier tier) {
        cacheHits.get(tier).increment();
    }

    public void cacheMiss() {
        cacheMisses.increment();
    }

    public void quotaDeferred(int items) {
        quotaDeferred.increment(items);
    }

    public void batchClosed(Lane lane, CloseReason reason, int items, int requests, Duration fill) {
        batches.get(lane).get(reason).increment();
        batchItems.get(lane).record(items);
        batchRequests.get(lane).record(requests);
        windowFill.get(lane).record(fill);
        openRecords.addAndGet(-requests);
    }

    /** Windows restored from a changelog (or handed to another instance) change what is open here. */
    public void openRecordsRestored(long delta) {
        openRecords.addAndGet(delta);
    }

    /** Items moved to or from the store of items waiting for their clients' rates. */
    public void waitingChanged(long delta) {
        waiting.addAndGet(delta);
    }

    public long waiting() {
        return waiting.get();
    }

    public long openRecords() {
        return openRecords.get();
    }

    private static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
