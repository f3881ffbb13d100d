package dev.athena.collector.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class CollectorHealthTest {
    @Test
    void shouldBeHealthyWhileRunningOrRebalancingAndNotOnceStreamsFailedOrStopped() {
        assertThat(CollectorHealth.of(KafkaStreams.State.RUNNING)).satisfies(health -> {
            assertThat(health.up()).isTrue();
            assertThat(health.details()).isEqualTo(Map.of("streams", "RUNNING"));
        });
        assertThat(CollectorHealth.of(KafkaStreams.State.REBALANCING).up()).isTrue();
        assertThat(CollectorHealth.of(KafkaStreams.State.CREATED).up()).as("not started yet").isFalse();
        assertThat(CollectorHealth.of(KafkaStreams.State.ERROR)).satisfies(health -> {
            assertThat(health.up()).isFalse();
            assertThat(health.details()).isEqualTo(Map.of("streams", "ERROR"));
        });
        assertThat(CollectorHealth.of(KafkaStreams.State.NOT_RUNNING).up()).isFalse();
        assertThat(CollectorHealth.of(KafkaStreams.State.PENDING_SHUTDOWN).up()).isFalse();
    }
}
