package dev.athena.workers.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchApiSettingsTest {
    @Test
    void shouldBeOffUnlessAProviderTurnsItOn() {
        ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-x"));

        assertThat(catalog.batchApis().enabled()).isFalse();
    }

    @Test
    void shouldReadPerProviderSwitchMinimumDeadlineAndPollInterval() {
        ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-x",
                "ANTHROPIC_API_KEY", "sk-y", "ATHENA_OPENAI_BATCH_API", "true",
                "ATHENA_ANTHROPIC_BATCH_API", "true", "ATHENA_ANTHROPIC_BATCH_API_MIN_DEADLINE", "2h",
                "ATHENA_PROVIDER_BATCH_POLL_INTERVAL", "90s"));

        assertThat(catalog.batchApis().minDeadlineByProvider()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "openai", BatchApiSettings.DEFAULT_MIN_DEADLINE, "anthropic", Duration.ofHours(2)));
        assertThat(catalog.batchApis().pollInterval()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void shouldRejectUnreadableDurationNamingTheVariable() {
        assertThatThrownBy(() -> ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-x",
                "ATHENA_OPENAI_BATCH_API", "true", "ATHENA_OPENAI_BATCH_API_MIN_DEADLINE", "soon")))
                .hasMessageContaining("ATHENA_OPENAI_BATCH_API_MIN_DEADLINE").hasMessageContaining("'soon'");
    }
}
