package dev.athena.splitter.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationTest {
    @Test
    void shouldReadTheRequestAnyClientPublishes() {
        Invalidation request = Json.read("{\"id\":\"i-1\",\"kind\":\"tag\",\"value\":\"repo:payments\",\"actor\":\"ops\"}",
                Invalidation.class);
        assertThat(request).isEqualTo(new Invalidation("i-1", Invalidation.Kind.TAG, "repo:payments", "ops"));
        assertThat(Json.read("{\"kind\":\"all\"}", Invalidation.class).id()).as("an id is made up").isNotBlank();
    }

    /** Every instance hears the same message: without an id of its own, they must all derive the same one. */
    @Test
    void shouldGiveARequestWithoutIdTheSameIdInEveryInstance() {
        String bare = "{\"kind\":\"tag\",\"value\":\"type:security\",\"actor\":\"ops\"}";
        Invalidation inOne = CacheInvalidator.withSharedId(Json.read(bare, Invalidation.class), bare);
        Invalidation inAnother = CacheInvalidator.withSharedId(Json.read(bare, Invalidation.class), bare);
        assertThat(inOne.id()).startsWith("msg-").isEqualTo(inAnother.id());
        assertThat(inOne.value()).isEqualTo("type:security");

        String other = "{\"kind\":\"tag\",\"value\":\"type:quality\",\"actor\":\"ops\"}";
        assertThat(CacheInvalidator.withSharedId(Json.read(other, Invalidation.class), other).id())
                .isNotEqualTo(inOne.id());
        String withId = "{\"id\":\"inv-7\",\"kind\":\"all\"}";
        assertThat(CacheInvalidator.withSharedId(Json.read(withId, Invalidation.class), withId).id())
                .isEqualTo("inv-7");
    }

    @Test
    void shouldRoundTripAnEvent() {
        var event = new InvalidationEvent(Invalidation.ofKey("analysis:a:b:security:c:d", "ops"),
                List.of("analysis:a:b:security:c:d"), false, Instant.parse("2026-11-30T10:00:00Z"));
        assertThat(Json.read(Json.write(event), InvalidationEvent.class)).isEqualTo(event);
    }

    @Test
    void shouldRefuseUnknownTagsAndMissingValues() {
        assertThatThrownBy(() -> Invalidation.ofTag("colour:red", "ops")).hasMessageContaining("colour:red");
        assertThatThrownBy(() -> Invalidation.ofKey(" ", "ops")).hasMessageContaining("needs a value");
    }

    @Test
    void shouldAnchorPatternsToCacheKeys() {
        assertThat(Invalidation.ofPattern("*:security:*", "ops").redisPattern()).isEqualTo("analysis:*:security:*");
        assertThat(Invalidation.ofPattern("analysis:openai:*", "ops").redisPattern()).isEqualTo("analysis:openai:*");
    }
}
