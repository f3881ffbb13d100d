package dev.athena.ops.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The gauges of a {@link LagBook}, per topic it follows: {@code athena.consumer.lag} (records behind; Prometheus
 * {@code athena_consumer_lag_records}) and {@code athena.consumer.stalled} (seconds; {@code
 * athena_consumer_stalled_seconds}), tagged {@code group} and {@code topic}. Both are NaN while the figures are
 * unknown (no probe yet, or the last one failed), so a stale value never passes for a fresh one.
 */
public final class LagMeters implements AutoCloseable {
    public static final String LAG = "athena.consumer.lag";
    public static final String STALLED = "athena.consumer.stalled";

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private LagMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public static LagMeters bind(MeterRegistry registry, String group, LagBook book) {
        LagMeters bound = new LagMeters(registry);
        for (String topic : book.topics()) {
            bound.meters.add(Gauge.builder(LAG, book, b -> records(b.topic(topic)))
                    .description("Records the consumer group has not yet committed, over the topic's partitions")
                    .baseUnit("records").tag("group", group).tag("topic", topic).strongReference(true)
                    .register(registry));
            bound.meters.add(Gauge.builder(STALLED, book, b -> stalledSeconds(b.topic(topic)))
                    .description("How long the group has not moved on a partition of the topic that has records "
                            + "written after its last progress; the longest over the partitions")
                    .baseUnit("seconds").tag("group", group).tag("topic", topic).strongReference(true)
                    .register(registry));
        }
        return bound;
    }

    private static double records(LagBook.TopicLag lag) {
        return lag.known() ? lag.records() : Double.NaN;
    }

    private static double stalledSeconds(LagBook.TopicLag lag) {
        return lag.known() ? lag.stalled().toMillis() / 1000.0 : Double.NaN;
    }

    /** Takes the gauges out of the registry, so a closed service publishes no figure. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
