package dev.athena.splitter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.message.ResultStatus;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SplitterMetricsTest {
    @Test
    void shouldDeclareTheWholeCatalogueUpFrontSoDashboardsSeeZeros() {
        var registry = new SimpleMeterRegistry();
        new SplitterMetrics(registry);

        assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).contains(
                "athena.splitter.results", "athena.splitter.batches", "athena.splitter.poison",
                "athena.splitter.transactions", "athena.splitter.redis.errors", "athena.splitter.persistence.rows",
                "athena.splitter.persistence.failures", "athena.splitter.transaction.duration",
                "athena.splitter.cache.lookups", "athena.splitter.cache.writes",
                "athena.splitter.cache.invalidations", "athena.splitter.results.truncated");
        assertThat(registry.find("athena.splitter.results").counters()).hasSize(ResultStatus.values().length);
        assertThat(registry.find("athena.splitter.cache.lookups").tag("tier", "redis").tag("outcome", "miss")
                .counter()).isNotNull();
        assertThat(registry.find("athena.splitter.cache.invalidations").counters()).hasSize(4);
    }

    @Test
    void shouldKeepTagsLowCardinality() {
        var registry = new SimpleMeterRegistry();
        new SplitterMetrics(registry);
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getTags()).allSatisfy(tag ->
                    assertThat(tag.getKey()).isIn("status", "kind", "outcome", "tier", "cause"));
        }
    }

    @Test
    void shouldCountResultsByStatusAndReportGauges() {
        var registry = new SimpleMeterRegistry();
        var metrics = new SplitterMetrics(registry);
        AtomicLong pending = new AtomicLong(7);

        metrics.result(ResultStatus.REJECTED);
        metrics.result(ResultStatus.REJECTED);
        metrics.persistencePending(pending::get);
        metrics.l1Entries(() -> 3);

        assertThat(registry.get("athena.splitter.results").tag("status", "rejected").counter().count()).isEqualTo(2);
        assertThat(registry.get("athena.splitter.results").tag("status", "completed").counter().count()).isZero();
        assertThat(registry.get("athena.splitter.persistence.pending").gauge().value()).isEqualTo(7);
        assertThat(registry.get("athena.splitter.cache.entries").tag("tier", "l1").gauge().value()).isEqualTo(3);
    }
}
