package dev.athena.ingest.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WaitParameterTest {
    private static final Duration MAX = Duration.ofSeconds(60);

    @Test
    void shouldReadSecondsMillisAndMinutes() {
        assertThat(WaitParameter.parse("30s", MAX)).isEqualTo(Duration.ofSeconds(30));
        assertThat(WaitParameter.parse("500ms", MAX)).isEqualTo(Duration.ofMillis(500));
        assertThat(WaitParameter.parse("12", MAX)).isEqualTo(Duration.ofSeconds(12));
        assertThat(WaitParameter.parse(null, MAX)).isZero();
    }

    @Test
    void shouldCapAtTheMaximum() {
        assertThat(WaitParameter.parse("5m", MAX)).isEqualTo(MAX);
    }

    @Test
    void shouldRefuseNonsenseWithoutEchoingIt() {
        assertThatThrownBy(() -> WaitParameter.parse("ath_secretlooking", MAX))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(422);
                    assertThat(p.field()).isEqualTo("wait");
                })
                .message().doesNotContain("secretlooking");
    }
}
