package dev.athena.splitter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionTest {
    @Test
    void shouldKeepResultsThirtyDaysAndEverythingElseForEverUnlessTold() {
        assertThat(Retention.fromEnvironment(Map.of())).isEqualTo(Retention.DEFAULT);
        assertThat(Retention.DEFAULT.results()).isEqualTo(Duration.ofDays(30));
        assertThat(Retention.DEFAULT.usage()).isZero();
        assertThat(Retention.DEFAULT.keepsEverything()).isFalse();
    }

    @Test
    void shouldReadShortFormsIsoDurationsAndForever() {
        Retention retention = Retention.fromEnvironment(Map.of("ATHENA_RETAIN_RESULTS", "7d",
                "ATHENA_RETAIN_USAGE", "P400D", "ATHENA_RETAIN_AUDIT", "36h", "ATHENA_RETENTION_SWEEP_EVERY", "15m"));
        assertThat(retention).isEqualTo(new Retention(Duration.ofDays(7), Duration.ofDays(400), Duration.ofHours(36),
                Duration.ofMinutes(15)));
        assertThat(Retention.fromEnvironment(Map.of("ATHENA_RETAIN_RESULTS", "Forever")).keepsEverything()).isTrue();
    }

    @Test
    void shouldNameTheVariableAndValueThatCannotBeRead() {
        assertThatThrownBy(() -> Retention.fromEnvironment(Map.of("ATHENA_RETAIN_RESULTS", "a month")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ATHENA_RETAIN_RESULTS must be like 30d, 12h, 90m, P30D or forever but was 'a month'");
        assertThatThrownBy(() -> Retention.fromEnvironment(Map.of("ATHENA_RETAIN_AUDIT", "-P1D")))
                .hasMessage("ATHENA_RETAIN_AUDIT must not be negative but was '-P1D'");
        assertThatThrownBy(() -> Retention.fromEnvironment(Map.of("ATHENA_RETENTION_SWEEP_EVERY", "forever")))
                .hasMessageContaining("every must be a positive duration");
    }
}
