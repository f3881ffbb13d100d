package dev.athena.workers.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.ProviderNames;
import dev.athena.workers.provider.builtin.BuiltinProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderCatalogTest {
    @Test
    void shouldSkipProvidersWithoutKeysAndKeepSeedPriorities() {
        ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of(
                "OPENAI_API_KEY", "sk-1", "DEEPSEEK_API_KEY", "ds-1", "ATHENA_LOCAL_BASE_URL", "http://127.0.0.1:11434/v1"));
        assertThat(catalog.providers()).extracting(ProviderConfig::name).containsExactly("openai", "deepseek", "local");
        ProviderConfig openai = catalog.providers().getFirst();
        assertThat(openai.baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(openai.policy().maxConcurrent()).isEqualTo(20);
        assertThat(catalog.providers().get(1).policy().maxConcurrent()).isEqualTo(10);
        ProviderConfig local = catalog.providers().get(2);
        assertThat(local.apiKey()).isNull();
        assertThat(local.policy().maxConcurrent()).isEqualTo(5);
        assertThat(local.priority()).isEqualTo(4);
    }

    @Test
    void shouldServeExactlyTheProvidersAdmissionLetsARequestName() {
        ProviderCatalog every = ProviderCatalog.fromEnvironment(Map.of("ANTHROPIC_API_KEY", "a", "OPENAI_API_KEY",
                "o", "DEEPSEEK_API_KEY", "d", "ATHENA_LOCAL_BASE_URL", "http://127.0.0.1:11434/v1"));
        List<String> served = new ArrayList<>(every.providers().stream().map(ProviderConfig::name).toList());
        served.add(BuiltinProvider.NAME);
        assertThat(served).containsExactlyElementsOf(ProviderNames.ALL);
    }

    @Test
    void shouldReadBaseUrlsAndOverridesLikeTheSdks() {
        ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of(
                "ANTHROPIC_API_KEY", "a-1", "ANTHROPIC_BASE_URL", "http://127.0.0.1:9000",
                "OPENAI_API_KEY", "sk-1", "ATHENA_OPENAI_PRIORITY", "1",
                "ATHENA_ANTHROPIC_PRIORITY", "2", "ATHENA_ANTHROPIC_RPM", "7", "ATHENA_ANTHROPIC_MODEL", "claude-x",
                "ATHENA_WORKER_INSTANCES", "3"));
        assertThat(catalog.providers()).extracting(ProviderConfig::name).containsExactly("openai", "anthropic");
        ProviderConfig anthropic = catalog.providers().get(1);
        assertThat(anthropic.baseUrl()).isEqualTo("http://127.0.0.1:9000");
        assertThat(anthropic.model()).isEqualTo("claude-x");
        assertThat(anthropic.policy().requestsPerMinute()).isEqualTo(7);
        assertThat(catalog.expectedInstances()).isEqualTo(3);
        assertThat(anthropic.toString()).doesNotContain("a-1");
    }

    @Test
    void shouldRejectBadValuesNamingThem() {
        assertThatThrownBy(() -> ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "k", "ATHENA_OPENAI_RPM", "lots")))
                .hasMessageContaining("ATHENA_OPENAI_RPM").hasMessageContaining("'lots'");
        assertThatThrownBy(() -> ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "k", "OPENAI_BASE_URL", "ftp://x")))
                .hasMessageContaining("ftp://x");
        assertThat(ProviderCatalog.fromEnvironment(Map.of()).providers()).isEmpty();
    }

    @Test
    void shouldTurnPackingOnPerProviderOnlyWhenAsked() {
        ProviderCatalog catalog = ProviderCatalog.fromEnvironment(Map.of(
                "OPENAI_API_KEY", "sk-1", "DEEPSEEK_API_KEY", "ds-1",
                "ATHENA_DEEPSEEK_PACKING_MAX_ITEMS", "8", "ATHENA_DEEPSEEK_PACKING_MAX_TOKENS", "6000"));
        assertThat(catalog.providers().getFirst().packing()).isNull();
        assertThat(catalog.packing()).containsOnlyKeys("deepseek");
        assertThat(catalog.packing().get("deepseek")).isEqualTo(new dev.athena.workers.execution.Packing(8, 6000));
        assertThat(ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-1",
                "ATHENA_OPENAI_PACKING_MAX_ITEMS", "1")).packing()).isEmpty();
        assertThatThrownBy(() -> ProviderCatalog.fromEnvironment(Map.of("OPENAI_API_KEY", "sk-1",
                "ATHENA_OPENAI_PACKING_MAX_ITEMS", "4", "ATHENA_OPENAI_PACKING_MAX_TOKENS", "0")))
                .hasMessageContaining("but was 0");
    }
}
