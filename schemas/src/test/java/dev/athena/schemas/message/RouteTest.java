package dev.athena.schemas.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteTest {

    @Test
    void shouldFormatAsProviderModelLane() {
        Route route = new Route("openai", "gpt-4o-mini", Lane.BULK);

        assertThat(route.key()).isEqualTo("openai/gpt-4o-mini/bulk");
        assertThat(route).hasToString("openai/gpt-4o-mini/bulk");
    }

    @ParameterizedTest
    @ValueSource(strings = {"builtin/rules-1/interactive", "auto/auto/bulk", "local/llama3.1:8b/interactive"})
    void shouldParseWhatItFormats(String key) {
        Route route = Route.parse(key);

        assertThat(route.key()).isEqualTo(key);
        assertThat(Route.parse(route.key())).isEqualTo(route);
    }

    @Test
    void shouldParseIntoItsParts() {
        Route route = Route.parse("anthropic/claude-sonnet-4-5/interactive");

        assertThat(route.provider()).isEqualTo("anthropic");
        assertThat(route.model()).isEqualTo("claude-sonnet-4-5");
        assertThat(route.lane()).isEqualTo(Lane.INTERACTIVE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "openai", "openai/gpt-4o", "a/b/c/bulk", "openai/gpt-4o/bulk/"})
    void shouldRejectAKeyWithoutThreeParts(String key) {
        assertThatThrownBy(() -> Route.parse(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route must be provider/model/lane but was '" + key + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-4o/urgent", "openai/gpt-4o/BULK", "openai/gpt-4o/"})
    void shouldRejectAnUnknownLaneNamingIt(String key) {
        String lane = key.substring(key.lastIndexOf('/') + 1);

        assertThatThrownBy(() -> Route.parse(key))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route lane must be interactive or bulk but was '" + lane + "'");
    }

    @Test
    void shouldRejectASlashInProviderOrModelEchoingThem() {
        assertThatThrownBy(() -> new Route("open/ai", "gpt", Lane.BULK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("open/ai and gpt");
        assertThatThrownBy(() -> new Route("local", "org/model", Lane.BULK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("org/model");
    }

    @Test
    void shouldRejectMissingParts() {
        assertThatThrownBy(() -> new Route(null, "m", Lane.BULK)).hasMessage("provider");
        assertThatThrownBy(() -> new Route("p", null, Lane.BULK)).hasMessage("model");
        assertThatThrownBy(() -> new Route("p", "m", null)).hasMessage("lane");
    }
}
