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
    void shouldMaskCredentialsCarriedInTheDatabaseUrl() {
        GatewaySettings inUrl = GatewaySettings.defaults("k:9092", "redis://r:6379",
                "jdbc:postgresql://db:5432/athena?user=gw&password=hunter2&ssl=true", "u", "p", 0);
        GatewaySettings inAuthority = GatewaySettings.defaults("k:9092", "redis://r:6379",
                "jdbc:postgresql://gw:hunter2@db:5432/athena", "u", "p", 0);

        assertThat(inUrl.toString()).doesNotContain("hunter2")
                .contains("db=jdbc:postgresql://db:5432/athena?user=***&password=***&ssl=true");
        assertThat(inAuthority.toString()).doesNotContain("hunter2").contains("db=jdbc:postgresql://***@db:5432/athena");
    }

    @Test
    void shouldMaskAPasswordWithAnUnencodedAtSignWhole() {
        GatewaySettings settings = GatewaySettings.defaults("k:9092", "redis://:hunt@er2@r:6379",
                "jdbc:postgresql://gw:hunt@er2@db:5432/athena", "u", "p", 0);

        assertThat(settings.toString()).doesNotContain("hunt").doesNotContain("er2")
                .contains("redis=redis://***@r:6379").contains("db=jdbc:postgresql://***@db:5432/athena");
    }

    @Test
    void shouldDefaultToLoopback() {
        assertThat(base.bindHost()).isEqualTo("127.0.0.1");
        assertThat(base.corsOrigins()).isEmpty();
    }

    @Test
    void shouldReadSecretsOriginsAndLimitsFromTheEnvironment() {
        GatewaySettings settings = GatewaySettings.fromEnvironment(java.util.Map.of(
                "ATHENA_ADMIN_KEY", "a".repeat(32), "ATHENA_CORS_ORIGINS", " https://a.example , ,https://b.example",
                "ATHENA_RATE_LIMIT_PER_KEY", "0", "ATHENA_HTTP_HOST", "0.0.0.0"),
                "127.0.0.1:9092", "redis://127.0.0.1:6379", "jdbc:postgresql://127.0.0.1/x", "u", "p", 8081);
        assertThat(settings.adminKey()).isEqualTo("a".repeat(32));
        assertThat(settings.corsOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(settings.rateLimits().perKeyPerMinute()).isZero();
        assertThat(settings.rateLimits().perIpPerMinute()).isEqualTo(base.rateLimits().perIpPerMinute());
        assertThat(settings.bindHost()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(8081);
        assertThat(settings.keyHashSecret()).isNull();
    }

    @Test
    void shouldNameABadLimitVariable() {
        assertThatThrownBy(() -> GatewaySettings.fromEnvironment(java.util.Map.of("ATHENA_RATE_LIMIT_GLOBAL", "lots"),
                "k:1", "redis://r:1", "jdbc:postgresql://h/x", "u", "p", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ATHENA_RATE_LIMIT_GLOBAL").hasMessageContaining("lots");
    }

    @Test
    void shouldReadTheOpenStreamLimitAndNameABadOne() {
        assertThat(GatewaySettings.fromEnvironment(java.util.Map.of(), "k:1", "redis://r:1", "jdbc:postgresql://h/x",
                "u", "p", 0).rateLimits().openStreamsPerClient()).isEqualTo(RateLimits.DEFAULT_OPEN_STREAMS_PER_CLIENT);
        assertThat(GatewaySettings.fromEnvironment(java.util.Map.of("ATHENA_MAX_OPEN_STREAMS_PER_CLIENT", " 7 "), "k:1",
                "redis://r:1", "jdbc:postgresql://h/x", "u", "p", 0).rateLimits().openStreamsPerClient()).isEqualTo(7);
        for (String bad : java.util.List.of("-1", "many", "1.5")) {
            assertThatThrownBy(() -> GatewaySettings.fromEnvironment(
                    java.util.Map.of("ATHENA_MAX_OPEN_STREAMS_PER_CLIENT", bad), "k:1", "redis://r:1",
                    "jdbc:postgresql://h/x", "u", "p", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ATHENA_MAX_OPEN_STREAMS_PER_CLIENT").hasMessageContaining("'" + bad + "'");
        }
    }
}
