package dev.athena.schemas.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.Lane;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static final Map<String, String> NO_OPTIONS = Map.of();

    @Test
    void shouldFollowTheDocumentedFormatWithKnownDigests() {
        CacheKey key = CacheKey.of("builtin", "rules-1", AnalysisType.SECURITY, "abc", NO_OPTIONS);

        // sha256("abc") starts ba7816bf8f01cfea; md5("") starts d41d8cd9
        assertThat(key.value()).isEqualTo("analysis:builtin:rules-1:security:ba7816bf8f01cfea:d41d8cd9");
        assertThat(key).hasToString(key.value());
        assertThat(key.value()).matches("analysis:[^:]+:[^:]+:[a-z]+:[0-9a-f]{16}:[0-9a-f]{8}");
    }

    @Test
    void shouldGiveTheSameKeyFromTheCodesSha256AsFromTheCode() throws Exception {
        String code = "print('h\u00e9llo')\n";
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(code.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(CacheKey.ofCodeSha256("auto", "auto", AnalysisType.SECURITY, sha))
                .isEqualTo(CacheKey.of("auto", "auto", AnalysisType.SECURITY, code, java.util.Map.of()));
        assertThat(CacheKey.ofCodeSha256("auto", "auto", AnalysisType.SECURITY, sha.toUpperCase()).value())
                .isEqualTo(CacheKey.of("auto", "auto", AnalysisType.SECURITY, code, java.util.Map.of()).value());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CacheKey.ofCodeSha256("auto", "auto",
                AnalysisType.SECURITY, "abc")).hasMessage("a SHA-256 in hex has 64 characters but got 3");
    }

    @Test
    void shouldHashOptionsAsAJsonObjectSortedByKey() {
        CacheKey key = CacheKey.of("p", "m", AnalysisType.QUALITY, "abc", Map.of("b", "2", "a", "1"));

        // md5('{"a":"1","b":"2"}') starts 8018d630
        assertThat(key.optionsHash()).isEqualTo("8018d630");
    }

    @Test
    void shouldNotConfuseAnOptionValueHoldingASeparatorWithTwoOptions() {
        CacheKey one = CacheKey.of("p", "m", AnalysisType.QUALITY, "abc", Map.of("a", "1\nb=2"));
        CacheKey two = CacheKey.of("p", "m", AnalysisType.QUALITY, "abc", Map.of("a", "1", "b", "2"));
        assertThat(one.optionsHash()).isNotEqualTo(two.optionsHash());
    }

    @Test
    void shouldHashCodeAsUtf8() {
        assertThat(CacheKey.of("p", "m", AnalysisType.QUALITY, "é", NO_OPTIONS).codeHash())
                .isEqualTo("4a99557e4033c353");
    }

    @Test
    void shouldNotDependOnTheOrderOfOptions() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("alpha", "1");
        forward.put("beta", "true");
        forward.put("gamma", "x");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("gamma", "x");
        backward.put("beta", "true");
        backward.put("alpha", "1");

        assertThat(CacheKey.of("p", "m", AnalysisType.SECURITY, "code", forward))
                .isEqualTo(CacheKey.of("p", "m", AnalysisType.SECURITY, "code", backward));
    }

    @Test
    void shouldBeStableForTheSameQuestion() {
        CacheKey first = CacheKey.of("openai", "gpt-4o", AnalysisType.COMPLEXITY, "def f(): pass", Map.of("k", "v"));
        CacheKey second = CacheKey.of("openai", "gpt-4o", AnalysisType.COMPLEXITY, "def f(): pass", Map.of("k", "v"));

        assertThat(second.value()).isEqualTo(first.value());
    }

    @Test
    void shouldChangeWithCodeTypeProviderModelAndOptions() {
        CacheKey base = CacheKey.of("openai", "gpt-4o", AnalysisType.SECURITY, "x = 1", Map.of("k", "v"));

        assertThat(CacheKey.of("openai", "gpt-4o", AnalysisType.SECURITY, "x = 2", Map.of("k", "v")).codeHash())
                .isNotEqualTo(base.codeHash());
        assertThat(CacheKey.of("openai", "gpt-4o", AnalysisType.QUALITY, "x = 1", Map.of("k", "v")).value())
                .isNotEqualTo(base.value());
        assertThat(CacheKey.of("anthropic", "gpt-4o", AnalysisType.SECURITY, "x = 1", Map.of("k", "v")).value())
                .isNotEqualTo(base.value());
        assertThat(CacheKey.of("openai", "gpt-4o-mini", AnalysisType.SECURITY, "x = 1", Map.of("k", "v")).value())
                .isNotEqualTo(base.value());
        assertThat(CacheKey.of("openai", "gpt-4o", AnalysisType.SECURITY, "x = 1", Map.of("k", "w")).optionsHash())
                .isNotEqualTo(base.optionsHash());
        assertThat(CacheKey.of("openai", "gpt-4o", AnalysisType.SECURITY, "x = 1", NO_OPTIONS).optionsHash())
                .isNotEqualTo(base.optionsHash());
        assertThat(CacheKey.of("openai", "gpt-4o", AnalysisType.SECURITY, "x = 1 ", Map.of("k", "v")).codeHash())
                .as("whitespace is part of the code").isNotEqualTo(base.codeHash());
    }

    @Test
    void shouldKeyARequestAsAskedWithAutoForMissingRoute() {
        AnalysisRequest auto = AnalysisRequest.of("r1", "team-a", AnalysisType.SECURITY, "abc");
        AnalysisRequest blank = auto.withRoute(" ", "");
        AnalysisRequest routed = auto.withRoute("openai", "gpt-4o");

        assertThat(CacheKey.ofRequested(auto).value())
                .isEqualTo("analysis:auto:auto:security:ba7816bf8f01cfea:d41d8cd9");
        assertThat(CacheKey.ofRequested(blank)).isEqualTo(CacheKey.ofRequested(auto));
        assertThat(CacheKey.ofRequested(routed).value()).startsWith("analysis:openai:gpt-4o:security:");
    }

    @Test
    void shouldNotDependOnWhoAskedOrWhere() {
        AnalysisRequest one = AnalysisRequest.of("r1", "team-a", AnalysisType.SECURITY, "abc");
        AnalysisRequest other = new AnalysisRequest(1, "r2", "team-b", AnalysisType.SECURITY, "python", "a.py", "abc",
                null, null, Lane.BULK, Map.of(), null, true, null, "gw");

        assertThat(CacheKey.ofRequested(other)).isEqualTo(CacheKey.ofRequested(one));
    }

    @Test
    void shouldKeepTheQuestionWhenServedByAnotherProvider() {
        CacheKey asked = CacheKey.of("auto", "auto", AnalysisType.SECURITY, "abc", Map.of("k", "v"));

        CacheKey served = asked.servedBy("anthropic", "claude-sonnet-4-5");

        assertThat(served.value()).isEqualTo("analysis:anthropic:claude-sonnet-4-5:security:" + asked.codeHash() + ":"
                + asked.optionsHash());
        assertThat(served).isNotEqualTo(asked);
    }

    @Test
    void shouldRefuseMissingParts() {
        assertThatThrownBy(() -> new CacheKey(null, "m", AnalysisType.SECURITY, "h", "o"))
                .isInstanceOf(NullPointerException.class).hasMessage("provider");
        assertThatThrownBy(() -> new CacheKey("p", "m", null, "h", "o"))
                .isInstanceOf(NullPointerException.class).hasMessage("analysisType");
    }
}
