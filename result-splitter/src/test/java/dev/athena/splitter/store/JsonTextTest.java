package dev.athena.splitter.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {
    @Test
    void shouldReplaceTheNulThatJacksonEscapesAndKeepTheRestOfTheText() {
        String json = Json.writeString(Map.of("message", "before\0after"));

        String storable = JsonText.withoutNul(json);

        assertThat(storable).doesNotContain("\\u0000");
        assertThat(Json.read(storable, Map.class)).containsEntry("message", "before\uFFFDafter");
    }

    @Test
    void shouldLeaveAnEscapedBackslashFollowedByU0000Alone() {
        String json = Json.writeString(Map.of("code", "printf(\"\\u0000\")"));

        assertThat(JsonText.withoutNul(json)).isEqualTo(json);
    }

    @Test
    void shouldReplaceARawNul() {
        assertThat(JsonText.withoutNul("{\"a\":\"x\0\"}")).isEqualTo("{\"a\":\"x\uFFFD\"}");
    }
}
