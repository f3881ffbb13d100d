package dev.athena.splitter.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.ErrorInfo;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.Requester;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeysTest {
    private static final List<Requester> ONE = List.of(new Requester("r", "c", null, null));

    private static ItemResult item(String cacheKey, ServedBy servedBy, boolean cached, String path) {
        return new ItemResult(cacheKey, ONE, AnalysisType.SECURITY, path, ResultStatus.COMPLETED, servedBy, null,
                "ok", null, null, cached);
    }

    @Test
    void shouldCacheUnderTheServedKeyAndTheRequestedKey() {
        CacheKey requested = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "print(1)", Map.of("depth", "2"));

        var keys = CacheKeys.keysFor(item(requested.value(), ServedBy.of("anthropic", "claude-x"), false, null));

        assertThat(keys).containsExactly(requested.servedBy("anthropic", "claude-x").value(), requested.value());
    }

    @Test
    void shouldCacheOnceWhenServedAsRequested() {
        CacheKey requested = CacheKey.of("builtin", "rules-1", AnalysisType.SECURITY, "x", Map.of());
        assertThat(CacheKeys.keysFor(item(requested.value(), ServedBy.of("builtin", "rules-1"), false, null)))
                .containsExactly(requested.value());
    }

    @Test
    void shouldNeverCacheDegradedAnswersCacheHitsOrFailures() {
        String key = CacheKey.of("openai", "gpt-x", AnalysisType.SECURITY, "x", Map.of()).value();
        assertThat(CacheKeys.keysFor(item(key, new ServedBy("builtin", "rules-1", true), false, null))).isEmpty();
        assertThat(CacheKeys.keysFor(item(key, ServedBy.of("openai", "gpt-x"), true, null))).isEmpty();
        var failed = new ItemResult(key, ONE, AnalysisType.SECURITY, null, ResultStatus.FAILED, null, null, null,
                null, new ErrorInfo("X", "y"), false);
        assertThat(CacheKeys.keysFor(failed)).isEmpty();
    }

    @Test
    void shouldParseModelsThatContainColons() {
        CacheKey key = CacheKey.of("local", "llama3:8b", AnalysisType.QUALITY, "x", Map.of());

        assertThat(CacheKeys.parse(key.value())).contains(key);
    }

    @Test
    void shouldRejectKeysOfAnotherShape() {
        assertThat(CacheKeys.parse("analysis:p:m:security:abc")).isEmpty();
        assertThat(CacheKeys.parse("other:p:m:security:abc:def")).isEmpty();
        assertThat(CacheKeys.parse("analysis:p:m:nonsense:abc:def")).isEmpty();
        assertThat(CacheKeys.parse(null)).isEmpty();
    }

    @Test
    void shouldTagByTypePathRepoAndModel() {
        String key = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "x", Map.of()).value();

        var tags = CacheKeys.tagsFor(item(key, ServedBy.of("openai", "gpt-x"), false, "payments:src/app.py"));

        assertThat(tags).containsExactlyInAnyOrder("type:security", "path:payments:src/app.py", "repo:payments",
                "model:openai/gpt-x", "model:auto/auto");
    }

    @Test
    void shouldNotInventARepoForAPlainPath() {
        assertThat(CacheKeys.repoOf("src/app.py")).isEmpty();
        assertThat(CacheKeys.repoOf("src/a:b.py")).isEmpty();
    }
}
