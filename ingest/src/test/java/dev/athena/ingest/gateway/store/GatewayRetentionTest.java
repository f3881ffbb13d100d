package dev.athena.ingest.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayRetentionTest {
    @Test
    void shouldKeepSubmissionsThirtyDaysAndTheAuditLogForEverUnlessTold() {
        assertThat(GatewayRetention.fromEnvironment(Map.of())).isEqualTo(GatewayRetention.DEFAULT);
        assertThat(GatewayRetention.DEFAULT.submissions()).isEqualTo(Duration.ofDays(30));
        assertThat(GatewayRetention.DEFAULT.audit()).isZero();
    }

    @Test
    void shouldReadTheSplittersFormsOfDuration() {
        assertThat(GatewayRetention.fromEnvironment(Map.of("ATHENA_RETAIN_SUBMISSIONS", "7d",
                "ATHENA_RETAIN_GATEWAY_AUDIT", "P400D", "ATHENA_RETENTION_SWEEP_EVERY", "90m")))
                .isEqualTo(new GatewayRetention(Duration.ofDays(7), Duration.ofDays(400), Duration.ofMinutes(90)));
        assertThat(GatewayRetention.fromEnvironment(Map.of("ATHENA_RETAIN_SUBMISSIONS", "12h")).submissions())
                .isEqualTo(Duration.ofHours(12));
        assertThat(GatewayRetention.fromEnvironment(Map.of("ATHENA_RETAIN_SUBMISSIONS", "forever"))
                .keepsEverything()).isTrue();
    }

    @Test
    void shouldNameTheVariableAndValueThatCannotBeRead() {
        assertThatThrownBy(() -> GatewayRetention.fromEnvironment(Map.of("ATHENA_RETAIN_SUBMISSIONS", "a month")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ATHENA_RETAIN_SUBMISSIONS must be like 30d, 12h, 90m, P30D or forever but was 'a month'");
        assertThatThrownBy(() -> GatewayRetention.fromEnvironment(Map.of("ATHENA_RETAIN_GATEWAY_AUDIT", "-1d")))
                .hasMessageContaining("ATHENA_RETAIN_GATEWAY_AUDIT must be like");
    }
}
