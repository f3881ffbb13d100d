package dev.athena.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.cache.CacheTier;
import dev.athena.collector.metrics.CollectorMetrics.CloseReason;
import dev.athena.schemas.message.Lane;
import dev.athena.schemas.topic.Topics;
import dev.athena.schemas.validation.RejectionReason;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CollectorMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CollectorMetrics metrics = new CollectorMetrics(registry);

    @Test
    void shouldDeclareEveryMeterUpFrontWithLowCardinalityTags() {
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).contains(
                "athena.collector.requests", "athena.collector.coalesced", "athena.collector.rejections",
                "athena.collector.cache.hits", "athena.collector.cache.misses", "athena.collector.batches",
                "athena.collector.batch.items", "athena.collector.batch.requests", "athena.collector.window.fill",
                "athena.collector.window.open.records");
        assertThat(registry.find("athena.collector.rejections").counters())
                .hasSize(RejectionReason.values().length);
        assertThat(registry.find("athena.collector.batches").counters())
                .hasSize(Lane.values().length * CloseReason.values().length);
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getName()).matches("[a-z.]+");
            meter.getId().getTags().forEach(tag -> assertThat(tag.getKey()).isIn("intake", "outcome", "reason",
                    "tier", "lane", "close"));
            assertThat(meter.getId().getTag("intake")).isEqualTo(Topics.REQUESTS);
        }
    }

    @Test
    void shouldRecordBatchSizeFillTimeAndOpenRecords() {
        metrics.accepted();
        metrics.accepted();
        metrics.accepted();
        assertThat(registry.get("athena.collector.window.open.records").gauge().value()).isEqualTo(3.0);

        metrics.batchClosed(Lane.BULK, CloseReason.ITEMS, 2, 3, Duration.ofMillis(40));

        assertThat(registry.get("athena.collector.window.open.records").gauge().value()).isZero();
        assertThat(registry.get("athena.collector.batches").tag("lane", "bulk").tag("close", "items").counter()
                .count()).isEqualTo(1.0);
        var items = registry.get("athena.collector.batch.items").tag("lane", "bulk").summary();
        assertThat(items.count()).isEqualTo(1);
        assertThat(items.totalAmount()).isEqualTo(2.0);
        assertThat(registry.get("athena.collector.batch.requests").tag("lane", "bulk").summary().totalAmount())
                .isEqualTo(3.0);
        assertThat(registry.get("athena.collector.window.fill").tag("lane", "bulk").timer()
                .totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
    }

    /** Batch sizes and fill times reach Prometheus as histograms, so their quantiles can be computed there. */
    @Test
    void shouldPublishBatchSizesAndFillTimesAsHistograms() {
        var prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new CollectorMetrics(prometheus).batchClosed(Lane.INTERACTIVE, CloseReason.TIME, 3, 4,
                Duration.ofMillis(55));

        String scraped = prometheus.scrape();

        assertThat(scraped).containsPattern("athena_collector_window_fill_seconds_bucket\\{.*lane=\"interactive\""
                + ".*le=\"0\\.0[5-6][0-9]*\"} 1");
        assertThat(scraped).containsPattern("athena_collector_window_fill_seconds_bucket\\{.*le=\"0\\.04[0-9]*\"} 0");
        assertThat(scraped).contains("athena_collector_batch_items_bucket", "athena_collector_batch_requests_bucket");
    }

    /** The collector's applications share one registry; each intake's meters stay apart. */
    @Test
    void shouldKeepTheMetersOfEachIntakeApart() {
        var bulk = new CollectorMetrics(registry, Topics.REQUESTS_BULK);

        bulk.accepted();
        bulk.accepted();
        metrics.accepted();
        bulk.rejected(RejectionReason.EMPTY_CODE);

        assertThat(registry.get("athena.collector.requests").tag("outcome", "accepted")
                .tag("intake", Topics.REQUESTS_BULK).counter().count()).isEqualTo(2.0);
        assertThat(registry.get("athena.collector.requests").tag("outcome", "accepted")
                .tag("intake", Topics.REQUESTS).counter().count()).isEqualTo(1.0);
        assertThat(registry.get("athena.collector.window.open.records").tag("intake", Topics.REQUESTS_BULK).gauge()
                .value()).isEqualTo(2.0);
        assertThat(registry.get("athena.collector.rejections").tag("reason", "empty_code")
                .tag("intake", Topics.REQUESTS).counter().count()).isZero();
    }

    @Test
    void shouldCountCacheHitsByTierAndRejectionsByReason() {
        metrics.cacheHit(CacheTier.L1);
        metrics.cacheHit(CacheTier.L1);
        metrics.cacheHit(CacheTier.REDIS);
        metrics.rejected(RejectionReason.EMPTY_CODE);
        assertThat(registry.get("athena.collector.cache.hits").tag("tier", "l1").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("athena.collector.cache.hits").tag("tier", "redis").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("athena.collector.rejections").tag("reason", "empty_code").counter().count())
                .isEqualTo(1.0);
    }
}
