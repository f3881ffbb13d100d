package dev.athena.collector.ops;

import dev.athena.ops.Health;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/** The collector's {@code /health}: its Streams applications' state. */
public final class CollectorHealth {
    private CollectorHealth() {
    }

    /** Running or rebalancing is healthy: a rebalance is Streams at work, not a fault to restart for. */
    public static Health of(KafkaStreams.State state) {
        boolean healthy = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        Map<String, String> details = Map.of("streams", String.valueOf(state));
        return healthy ? Health.up(details) : Health.down(details);
    }
}
