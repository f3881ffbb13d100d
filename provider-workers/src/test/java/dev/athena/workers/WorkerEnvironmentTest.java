package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerEnvironmentTest {
    private static final WorkerSettings BASE = WorkerSettings.defaults("127.0.0.1:9092", "redis://127.0.0.1:6379");

    @Test
    void shouldKeepTheDefaultsWhenNothingOrBlanksAreSet() {
        assertThat(WorkerEnvironment.apply(BASE, Map.of())).isEqualTo(BASE);
        assertThat(WorkerEnvironment.apply(BASE, Map.of(WorkerEnvironment.GROUP, " ", WorkerEnvironment.INSTANCE_ID,
                "", WorkerEnvironment.MAX_BATCHES, "  "))).isEqualTo(BASE);
    }

    @Test
    void shouldTakeTheGroupTheInstanceIdAndTheBatchLimitFromTheEnvironment() {
        WorkerSettings settings = WorkerEnvironment.apply(BASE, Map.of(WorkerEnvironment.GROUP, "team-workers",
                WorkerEnvironment.INSTANCE_ID, " workers-0 ", WorkerEnvironment.MAX_BATCHES, "12"));

        assertThat(settings.groupId()).isEqualTo("team-workers");
        assertThat(settings.instanceId()).isEqualTo("workers-0");
        assertThat(settings.maxConcurrentBatches()).isEqualTo(12);
        assertThat(settings.bootstrap()).isEqualTo(BASE.bootstrap());
        assertThat(settings.redisUrl()).isEqualTo(BASE.redisUrl());
    }

    @Test
    void shouldNameTheVariableAndTheValueThatCannotBeUsed() {
        assertThatThrownBy(() -> WorkerEnvironment.apply(BASE, Map.of(WorkerEnvironment.MAX_BATCHES, "many")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ATHENA_WORKER_MAX_BATCHES must be a whole number of batches from 1 to 1024 but was "
                        + "'many'");
        assertThatThrownBy(() -> WorkerEnvironment.apply(BASE, Map.of(WorkerEnvironment.MAX_BATCHES, "0")))
                .hasMessageContaining("ATHENA_WORKER_MAX_BATCHES").hasMessageContaining("'0'");
        assertThatThrownBy(() -> WorkerEnvironment.apply(BASE, Map.of(WorkerEnvironment.MAX_BATCHES, "1025")))
                .hasMessageContaining("'1025'");
        assertThatThrownBy(() -> WorkerEnvironment.apply(BASE, Map.of(WorkerEnvironment.INSTANCE_ID, "pod/0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ATHENA_WORKER_ID: instanceId must be")
                .hasMessageContaining("'pod/0'");
    }
}
