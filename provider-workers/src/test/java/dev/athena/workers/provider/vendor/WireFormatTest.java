package dev.athena.workers.provider.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.Severity;
import dev.athena.workers.provider.spi.FatalProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private static String fixture(String name) throws IOException {
        try (InputStream in = WireFormatTest.class.getResourceAsStream("/fixtures/providers/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HttpHeaders headersOf(String http) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String line : http.split("\n\n", 2)[0].lines().skip(1).toList()) {
            int colon = line.indexOf(':');
            map.put(line.substring(0, colon).trim(), List.of(line.substring(colon + 1).trim()));
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    @Test
    void shouldParseFindingsFromFixtureTextsFencedOrBare() throws IOException {
        String anthropicText = Json.tree(fixture("anthropic/message.json").getBytes(StandardCharsets.UTF_8))
                .path("content").path(0).path("text").stringValue();
        FindingsParser.Parsed fenced = FindingsParser.parse("anthropic", anthropicText);
        assertThat(fenced.findings()).singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("sql-injection");
            assertThat(f.severity()).isEqualTo(Severity.HIGH);
            assertThat(f.line()).isEqualTo(2);
            assertThat(f.suggestion()).isEqualTo("Use a parameterised query");
        });
        String openAiText = Json.tree(fixture("openai/chat-completion.json").getBytes(StandardCharsets.UTF_8))
                .path("choices").path(0).path("message").path("content").stringValue();
        assertThat(FindingsParser.parse("openai", openAiText).findings()).hasSize(1);
        assertThat(FindingsParser.parse("x", "Here: [{\"rule\": \"Hardcoded Secret\", \"line\": \"line 4\", "
                + "\"message\": \"key\"}]").findings()).singleElement().satisfies(f -> {
                    assertThat(f.ruleId()).isEqualTo("hardcoded-secret");
                    assertThat(f.line()).isEqualTo(4);
                    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
                });
    }

    @Test
    void shouldRejectUnparseableAnswersClearlyWithoutEchoingThem() {
        assertThatThrownBy(() -> FindingsParser.parse("openai", "I cannot help with password=hunter2"))
                .isInstanceOfSatisfying(FatalProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FatalProviderException.Kind.CONTRACT);
                    assertThat(e.getMessage()).doesNotContain("hunter2").contains("no readable findings JSON");
                });
        assertThatThrownBy(() -> FindingsParser.parse("openai", "{\"findings\": [tru"))
                .isInstanceOf(FatalProviderException.class);
    }

    @Test
    void shouldReadOpenAiRateLimitHeadersWithDurationResets() throws IOException {
        RateLimitHeaders h = RateLimitHeaders.from(headersOf(fixture("openai/429-rate-limit.http")),
                InstantSource.fixed(Instant.parse("2026-11-30T10:15:00Z")));
        assertThat(h.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(h.remainingRequests()).hasValue(0);
        assertThat(h.requestsReset()).isEqualTo(Duration.ofMillis(120));
        assertThat(h.tokensReset()).isEqualTo(Duration.ofMinutes(6));
        assertThat(RateLimitHeaders.resetValue("1h2m3.5s", Instant.EPOCH)).isEqualTo(Duration.ofMillis(3_723_500));
    }

    @Test
    void shouldReadAnthropicRateLimitHeadersWithRfc3339Resets() throws IOException {
        RateLimitHeaders h = RateLimitHeaders.from(headersOf(fixture("anthropic/429.http")),
                InstantSource.fixed(Instant.parse("2026-11-30T10:15:00Z")));
        assertThat(h.retryAfter()).isEqualTo(Duration.ofSeconds(17));
        assertThat(h.requestsReset()).isEqualTo(Duration.ofSeconds(17));
        assertThat(h.tokensReset()).isEqualTo(Duration.ofSeconds(9));
        // 12,000 of all tokens and of output tokens are left, but no input tokens: that budget is the one spent
        assertThat(h.remainingTokens()).hasValue(0);
        assertThat(h.exhaustedFor()).contains(Duration.ofSeconds(17));
        HttpHeaders inputSpent = HttpHeaders.of(Map.of("anthropic-ratelimit-tokens-remaining", List.of("12000"),
                "anthropic-ratelimit-tokens-reset", List.of("2026-11-30T10:15:02Z"),
                "anthropic-ratelimit-input-tokens-remaining", List.of("0"),
                "anthropic-ratelimit-input-tokens-reset", List.of("2026-11-30T10:15:09Z")), (a, b) -> true);
        assertThat(RateLimitHeaders.from(inputSpent, InstantSource.fixed(Instant.parse("2026-11-30T10:15:00Z")))
                .exhaustedFor()).as("a success response saying input tokens are spent").contains(Duration.ofSeconds(9));
    }

    @Test
    void shouldSayHowLongABudgetIsExhaustedFromSuccessHeaders() {
        InstantSource now = InstantSource.fixed(Instant.parse("2026-11-30T10:15:00Z"));
        HttpHeaders spent = HttpHeaders.of(Map.of("x-ratelimit-remaining-requests", List.of("0"),
                "x-ratelimit-reset-requests", List.of("2s"), "x-ratelimit-remaining-tokens", List.of("900"),
                "x-ratelimit-reset-tokens", List.of("40ms")), (a, b) -> true);
        assertThat(RateLimitHeaders.from(spent, now).exhaustedFor()).contains(Duration.ofSeconds(2));
        HttpHeaders anthropicTokens = HttpHeaders.of(Map.of("anthropic-ratelimit-tokens-remaining", List.of("0"),
                "anthropic-ratelimit-tokens-reset", List.of("2026-11-30T10:15:09Z")), (a, b) -> true);
        assertThat(RateLimitHeaders.from(anthropicTokens, now).exhaustedFor()).contains(Duration.ofSeconds(9));
        HttpHeaders plenty = HttpHeaders.of(Map.of("x-ratelimit-remaining-requests", List.of("41"),
                "x-ratelimit-reset-requests", List.of("2s")), (a, b) -> true);
        assertThat(RateLimitHeaders.from(plenty, now).exhaustedFor()).isEmpty();
    }

    @Test
    void shouldClassifyQuotaExhaustionFromFixturesAsNotRetriable() throws IOException {
        for (String name : List.of("openai/429-insufficient-quota.http", "anthropic/429-spend-limit.http")) {
            String http = fixture(name);
            byte[] body = http.split("\n\n", 2)[1].getBytes(StandardCharsets.UTF_8);
            assertThat(HttpFailures.fromStatus("p", 429, headersOf(http), body, InstantSource.system()))
                    .isInstanceOfSatisfying(FatalProviderException.class,
                            e -> assertThat(e.kind()).isEqualTo(FatalProviderException.Kind.QUOTA_EXHAUSTED));
        }
    }
}
