package dev.athena.splitter.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobsTest {
    @Test
    void shouldMatchLikeRedisGlobs() {
        assertThat(Globs.toRegex("analysis:openai:*").matcher("analysis:openai:gpt:security:ab:cd").matches()).isTrue();
        assertThat(Globs.toRegex("analysis:openai:*").matcher("analysis:anthropic:x:security:ab:cd").matches())
                .isFalse();
        assertThat(Globs.toRegex("analysis:?:m").matcher("analysis:p:m").matches()).isTrue();
        assertThat(Globs.toRegex("analysis:[ab]x").matcher("analysis:bx").matches()).isTrue();
        assertThat(Globs.toRegex("analysis:[ab]x").matcher("analysis:cx").matches()).isFalse();
        assertThat(Globs.toRegex("analysis:[^a]x").matcher("analysis:ax").matches()).isFalse();
        assertThat(Globs.toRegex("a.b(c)+").matcher("a.b(c)+").matches()).isTrue();
        assertThat(Globs.toRegex("a.b").matcher("axb").matches()).as("dots are literal").isFalse();
        assertThat(Globs.toRegex("a\\*b").matcher("a*b").matches()).isTrue();
        assertThat(Globs.toRegex("a\\*b").matcher("axxb").matches()).isFalse();
    }
}
