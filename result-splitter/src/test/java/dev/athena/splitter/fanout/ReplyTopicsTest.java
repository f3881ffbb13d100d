package dev.athena.splitter.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.Requester;
import org.junit.jupiter.api.Test;

class ReplyTopicsTest {
    @Test
    void shouldUseTheClientTopicWhenNoReplyToIsGiven() {
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", null, null))).isEqualTo("athena.results.team-a");
    }

    @Test
    void shouldHonourReplyToInsideTheClientNamespace() {
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.results.team-a.scan-42", null)))
                .isEqualTo("athena.results.team-a.scan-42");
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.results.team-a", null)))
                .isEqualTo("athena.results.team-a");
    }

    @Test
    void shouldIgnoreReplyToOutsideTheClientNamespace() {
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.results.team-b", null)))
                .isEqualTo("athena.results.team-a");
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.results.team-ab", null)))
                .isEqualTo("athena.results.team-a");
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.requests", null)))
                .isEqualTo("athena.results.team-a");
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.results.team-a.", null)))
                .isEqualTo("athena.results.team-a");
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.results.team-a.x/y", null)))
                .isEqualTo("athena.results.team-a");
        assertThat(ReplyTopics.resolve(new Requester("r1", "team-a", "athena.results.team-a." + "x".repeat(240),
                null))).isEqualTo("athena.results.team-a");
    }

    @Test
    void shouldRefuseAClientIdThatCannotNameATopic() {
        assertThatThrownBy(() -> ReplyTopics.resolve(new Requester("r1", "team a", null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("team a");
    }

    @Test
    void shouldCreateReplyTopicsWithTheCatalogueSettings() {
        var spec = ReplyTopics.specFor("athena.results.team-a.scan", "team-a");
        assertThat(spec.name()).isEqualTo("athena.results.team-a.scan");
        assertThat(spec.configs()).containsKey("retention.ms");
    }
}
