package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.gateway.auth.ApiKeyFormat;
import dev.athena.ingest.gateway.auth.KeyHasher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {
    private final ApiKeyFormat format = new ApiKeyFormat(new SecureRandom());

    @Test
    void shouldGenerateWellFormedDistinctKeys() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = format.generate();
            assertThat(key).startsWith("ath_").hasSize(44);
            assertThat(ApiKeyFormat.isWellFormed(key)).isTrue();
            seen.add(key);
        }
        assertThat(seen).hasSize(200);
    }

    @Test
    void shouldRefuseAKeyWithOneCharacterChanged() {
        String key = format.generate();
        char c = key.charAt(10);
        String typo = key.substring(0, 10) + (c == 'A' ? 'B' : 'A') + key.substring(11);
        assertThat(ApiKeyFormat.isWellFormed(typo)).isFalse();
    }

    @Test
    void shouldRefuseWrongShapes() {
        String key = format.generate();
        assertThat(ApiKeyFormat.isWellFormed(null)).isFalse();
        assertThat(ApiKeyFormat.isWellFormed("")).isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key.substring(0, 43))).isFalse();
        assertThat(ApiKeyFormat.isWellFormed("xyz_" + key.substring(4))).isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key + "0")).isFalse();
    }

    @Test
    void shouldHintWithoutRevealingTheKey() {
        String key = format.generate();
        assertThat(ApiKeyFormat.hint(key)).hasSize(13).endsWith("...");
        assertThat(key).startsWith(ApiKeyFormat.hint(key).substring(0, 10));
    }

    @Test
    void shouldRedactEveryKeyOrPieceOfOneInAPath() {
        String key = format.generate();
        String path = "/v1/analyses/" + key + "/events?token=" + key.substring(0, 20) + "&x=ath_";
        String redacted = ApiKeyFormat.redact(path);
        assertThat(redacted).doesNotContain(key).doesNotContain(key.substring(0, 20))
                .isEqualTo("/v1/analyses/" + ApiKeyFormat.hint(key) + "/events?token=" + ApiKeyFormat.hint(key)
                        + "&x=ath_");
        assertThat(ApiKeyFormat.redact("/v1/analyses/6f1c2a9e")).isEqualTo("/v1/analyses/6f1c2a9e");
    }

    @Test
    void shouldHashDifferentlyUnderDifferentSecrets() {
        String key = format.generate();
        byte[] a = new KeyHasher("a".repeat(32).getBytes(StandardCharsets.UTF_8)).hash(key);
        byte[] b = new KeyHasher("b".repeat(32).getBytes(StandardCharsets.UTF_8)).hash(key);
        assertThat(KeyHasher.same(a, b)).isFalse();
        assertThat(KeyHasher.same(a, new KeyHasher("a".repeat(32).getBytes(StandardCharsets.UTF_8)).hash(key)))
                .isTrue();
    }
}
