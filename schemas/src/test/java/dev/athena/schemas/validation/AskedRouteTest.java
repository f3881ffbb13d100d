package dev.athena.schemas.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.ProviderNames;
import org.junit.jupiter.api.Test;

class AskedRouteTest {
    @Test
    void shouldAcceptEveryProviderTheWorkersServeAutoAndNothing() {
        for (String provider : ProviderNames.ALL) {
            assertThat(AskedRoute.providerProblem(provider)).as(provider).isEmpty();
        }
        assertThat(AskedRoute.providerProblem(AnalysisRequest.AUTO)).isEmpty();
        assertThat(AskedRoute.providerProblem(null)).isEmpty();
        assertThat(AskedRoute.AUTO.providerOrAuto()).isEqualTo(AnalysisRequest.AUTO);
        assertThat(AskedRoute.AUTO.modelOrAuto()).isEqualTo(AnalysisRequest.AUTO);
    }

    @Test
    void shouldRefuseWhatAdmissionRefusesNamingTheOptionAndTheValue() {
        assertThat(AskedRoute.providerProblem("Anthropic")).hasValue("--provider must be one of anthropic, openai, "
                + "deepseek, local, builtin or auto, but was 'Anthropic'");
        assertThat(AskedRoute.providerProblem("")).isPresent();
        assertThat(AskedRoute.modelProblem("gpt-4o")).isEmpty();
        assertThat(AskedRoute.modelProblem("x".repeat(RequestLimits.MAX_PROVIDER_OR_MODEL_LENGTH))).isEmpty();
        assertThat(AskedRoute.modelProblem("x".repeat(RequestLimits.MAX_PROVIDER_OR_MODEL_LENGTH + 1))).isPresent();
        assertThat(AskedRoute.modelProblem("org/model")).hasValue(
                "--model must be 1-128 characters without '/', but was 'org/model'");
        assertThat(AskedRoute.modelProblem(" ")).isPresent();
        assertThatThrownBy(() -> new AskedRoute("claude", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was 'claude'");
        assertThatThrownBy(() -> new AskedRoute("openai", "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--model");
    }

    @Test
    void shouldNameWhatTheRequestWillCarry() {
        AskedRoute route = new AskedRoute("openai", null);

        assertThat(route.providerOrAuto()).isEqualTo("openai");
        assertThat(route.modelOrAuto()).isEqualTo(AnalysisRequest.AUTO);
    }
}
