package dev.athena.ingest.gateway.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecheckTest {
    @Test
    void shouldDoubleFromTheFirstIntervalUpToEightSeconds() {
        Recheck schedule = new Recheck(Duration.ofSeconds(1));
        List<Long> seconds = new ArrayList<>();
        Duration interval = Duration.ofSeconds(1);
        for (int i = 0; i < 7; i++) {
            seconds.add(interval.toSeconds());
            interval = schedule.after(interval);
        }
        assertThat(seconds).containsExactly(1L, 2L, 4L, 8L, 8L, 8L, 8L);
    }

    @Test
    void shouldKeepAFirstIntervalLongerThanTheCap() {
        Recheck schedule = new Recheck(Duration.ofSeconds(20));
        assertThat(schedule.after(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void shouldRefuseANonPositiveFirstInterval() {
        assertThatThrownBy(() -> new Recheck(Duration.ZERO)).hasMessage("first recheck must be positive but was PT0S");
    }
}
