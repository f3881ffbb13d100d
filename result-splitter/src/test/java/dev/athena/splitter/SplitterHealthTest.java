package dev.athena.splitter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SplitterHealthTest {
    @Test
    void shouldNotBeUpBeforeTheSplitterHasStarted() {
        assertThat(SplitterHealth.of(null)).satisfies(health -> {
            assertThat(health.up()).isFalse();
            assertThat(health.details()).isEqualTo(Map.of("splitter", "STARTING"));
        });
    }

    @Test
    void shouldBeUpWhileBothPathsRunAndNameThePathThatStopped() {
        assertThat(SplitterHealth.ofStoppedPath(Optional.empty())).satisfies(health -> {
            assertThat(health.up()).isTrue();
            assertThat(health.details()).isEqualTo(Map.of("splitter", "RUNNING"));
        });
        assertThat(SplitterHealth.ofStoppedPath(Optional.of("persistence"))).satisfies(health -> {
            assertThat(health.up()).isFalse();
            assertThat(health.details()).isEqualTo(Map.of("splitter", "STOPPED", "stopped", "persistence"));
        });
    }
}
