package dev.athena.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkersHealthTest {
    @Test
    void shouldNotBeUpBeforeTheInstanceHasStarted() {
        assertThat(WorkersHealth.of(null)).satisfies(health -> {
            assertThat(health.up()).isFalse();
            assertThat(health.details()).isEqualTo(Map.of("workers", "STARTING"));
        });
    }

    @Test
    void shouldBeUpUntilALoopDiesAndThenSayWhy() {
        assertThat(WorkersHealth.ofDeath(Optional.empty())).satisfies(health -> {
            assertThat(health.up()).isTrue();
            assertThat(health.details()).isEqualTo(Map.of("workers", "RUNNING"));
        });
        assertThat(WorkersHealth.ofDeath(Optional.of(new IllegalStateException("batch loop stopped: fenced"))))
                .satisfies(health -> {
                    assertThat(health.up()).isFalse();
                    assertThat(health.details()).isEqualTo(Map.of("workers", "DEAD",
                            "reason", "batch loop stopped: fenced"));
                });
    }
}
