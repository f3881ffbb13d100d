package dev.athena.ops.lag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ops.lag.LagBook.Offsets;
import dev.athena.ops.lag.LagBook.Partition;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lag summed over partitions, and a stall seen only where records arrived after the group's last progress. */
class LagBookTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final Partition P0 = new Partition("requests", 0);
    private static final Partition P1 = new Partition("requests", 1);
    private final LagBook book = new LagBook(List.of("requests", "other"));

    @Test
    void shouldSumTheRecordsBehindOverTheTopicsPartitions() {
        book.record(Map.of(P0, new Offsets(10, 15), P1, new Offsets(7, 7)), T0);

        assertThat(book.topic("requests")).isEqualTo(new LagBook.TopicLag(5, Duration.ZERO));
        assertThat(book.topic("other").known()).as("a topic the probe found no partition of").isFalse();
    }

    @Test
    void shouldNotCallAQuietPartitionStalledForTheMarkerItsGroupNeverCommitsPast() {
        book.record(Map.of(P0, new Offsets(10, 11)), T0);
        book.record(Map.of(P0, new Offsets(10, 11)), T0.plus(Duration.ofHours(2)));

        assertThat(book.topic("requests")).isEqualTo(new LagBook.TopicLag(1, Duration.ZERO));
    }

    @Test
    void shouldCountAStallFromTheProbeThatFirstSawRecordsTheGroupDidNotMoveOn() {
        book.record(Map.of(P0, new Offsets(10, 11), P1, new Offsets(3, 3)), T0);
        book.record(Map.of(P0, new Offsets(10, 14), P1, new Offsets(3, 3)), T0.plusSeconds(30));
        book.record(Map.of(P0, new Offsets(10, 20), P1, new Offsets(3, 5)), T0.plusSeconds(60));
        book.record(Map.of(P0, new Offsets(10, 20), P1, new Offsets(3, 5)), T0.plusSeconds(630));

        assertThat(book.topic("requests")).as("the longest of the two partitions' stalls, the lag of both")
                .isEqualTo(new LagBook.TopicLag(12, Duration.ofSeconds(600)));

        book.record(Map.of(P0, new Offsets(18, 21), P1, new Offsets(3, 5)), T0.plusSeconds(660));
        assertThat(book.topic("requests")).as("p0 moved; p1 still waits since the third probe")
                .isEqualTo(new LagBook.TopicLag(5, Duration.ofSeconds(600)));

        book.record(Map.of(P0, new Offsets(21, 21), P1, new Offsets(5, 5)), T0.plusSeconds(690));
        assertThat(book.topic("requests")).isEqualTo(new LagBook.TopicLag(0, Duration.ZERO));
    }

    @Test
    void shouldForgetAPartitionNoLongerReadAndStartAgainWhenItComesBack() {
        book.record(Map.of(P0, new Offsets(10, 11)), T0);
        book.record(Map.of(P0, new Offsets(10, 12)), T0.plusSeconds(30));
        book.record(Map.of(P1, new Offsets(0, 0)), T0.plusSeconds(60));
        book.record(Map.of(P0, new Offsets(10, 12), P1, new Offsets(0, 0)), T0.plusSeconds(90));

        assertThat(book.topic("requests").stalled()).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldPublishNothingButNaNWhileTheFiguresAreUnknown() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (LagMeters meters = LagMeters.bind(registry, "athena-workers", book)) {
            assertThat(registry.scrape()).contains(
                    "athena_consumer_lag_records{group=\"athena-workers\",topic=\"requests\"} NaN");

            book.record(Map.of(P0, new Offsets(10, 11)), T0);
            book.record(Map.of(P0, new Offsets(10, 13)), T0.plusSeconds(30));
            book.record(Map.of(P0, new Offsets(10, 13)), T0.plusSeconds(75));
            assertThat(registry.scrape()).contains(
                    "athena_consumer_lag_records{group=\"athena-workers\",topic=\"requests\"} 3.0",
                    "athena_consumer_stalled_seconds{group=\"athena-workers\",topic=\"requests\"} 45.0",
                    "athena_consumer_lag_records{group=\"athena-workers\",topic=\"other\"} NaN");

            book.failed();
            assertThat(registry.scrape()).contains(
                    "athena_consumer_lag_records{group=\"athena-workers\",topic=\"requests\"} NaN",
                    "athena_consumer_stalled_seconds{group=\"athena-workers\",topic=\"requests\"} NaN");
        }
        assertThat(registry.scrape()).doesNotContain("athena_consumer");
    }
}
