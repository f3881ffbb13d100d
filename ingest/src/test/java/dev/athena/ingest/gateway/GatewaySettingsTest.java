package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GatewaySettingsTest {
    private final GatewaySettings base = GatewaySettings.defaults("k:9092", "redis://r:6379", "jdbc:postgresql://p/db",
            "u", "secret-password", 0);

    @Test
    void shouldRefuseAShortAdminKeyEchoingItsLengthOnly() {
        assertThatThrownBy(() -> base.withAdminKey("short-admin-key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32").hasMessageContaining("15")
                .hasMessageNotContaining("short-admin-key");
    }

    @Test
    void shouldNotPrintSecrets() {
        GatewaySettings settings = base.withAdminKey("x".repeat(40));
        assertThat(settings.toString()).doesNotContain("x".repeat(40)).doesNotContain("secret-password")
                .contains("adminKey=set");
    }

    @Test
    void shouldDefaultToLoopback() {
        assertThat(base.bindHost()).isEqualTo("127.0.0.1");
        assertThat(base.corsOrigins()).isEmpty();
    }
}
