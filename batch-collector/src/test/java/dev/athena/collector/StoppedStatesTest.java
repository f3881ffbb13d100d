package dev.athena.collector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StoppedStatesTest {
    @Test
    void shouldTakeOnlyStatesStreamsDoesNotLeaveByItselfForStopped() {
        assertThat(Arrays.stream(KafkaStreams.State.values()).filter(BatchCollector::hasStopped))
                .containsExactlyInAnyOrder(KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.ERROR,
                        KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING);
    }
}
