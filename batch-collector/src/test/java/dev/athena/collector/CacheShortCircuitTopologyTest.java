package dev.athena.collector;

import static dev.athena.collector.TestRequests.fields;
import static dev.athena.collector.TestRequests.json;
import static dev.athena.collector.TestRequests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.collector.cache.CacheHit;
import dev.athena.collector.cache.CacheLookup;
import dev.athena.collector.cache.CacheTier;
import dev.athena.schemas.cache.CacheKey;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import dev.athena.schemas.message.BatchResult;
import dev.athena.schemas.message.CachedAnalysis;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.ItemResult;
import dev.athena.schemas.message.ResultStatus;
import dev.athena.schemas.message.ServedBy;
import dev.athena.schemas.message.Severity;
import dev.athena.schemas.message.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheShortCircuitTopologyTest {
    private static final String CODE = "eval(input())";

    @TempDir
    Path stateDir;
    private final Map<String, CacheHit> cached = new HashMap<>();
    private TopologyFixture f;

    @BeforeEach
    void start() {
        CacheLookup lookup = key -> Optional.ofNullable(cached.get(key));
        f = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-cache-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50)), lookup);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static String keyOf(String provider, String model) {
        return CacheKey.ofRequested(AnalysisRequest.of("k", "c", AnalysisType.SECURITY, CODE)
                .withRoute(provider, model)).value();
    }

    private void answer(String key, ServedBy servedBy, CacheTier tier) {
        cached.put(key, new CacheHit(new CachedAnalysis(1, key, servedBy,
                List.of(new Finding("eval", Severity.HIGH, 1, "eval of input", "do not")), "1 finding",
                new Usage(10, 5, 0, 0.01), null), tier));
    }

    @Test
    void shouldAnswerCachedQuestionWithoutBatchingIt() {
        answer(keyOf("auto", "auto"), ServedBy.of("builtin", "rules-1"), CacheTier.REDIS);
        f.send("hit-1", request("hit-1", "team-a", CODE));
        f.advance(100);

        assertThat(f.batches.isEmpty()).isTrue();
        BatchResult result = f.results.readValue();
        assertThat(result.batchId()).isEqualTo("cache-hit-1");
        ItemResult item = result.items().get(0);
        assertThat(item.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(item.cached()).isTrue();
        assertThat(item.cacheKey()).isEqualTo(keyOf("auto", "auto"));
        assertThat(item.servedBy()).isEqualTo(ServedBy.of("builtin", "rules-1"));
        assertThat(item.findings()).extracting(Finding::ruleId).containsExactly("eval");
        assertThat(item.usage()).isEqualTo(Usage.NONE);
        assertThat(item.requesters()).singleElement().satisfies(r -> assertThat(r.requestId()).isEqualTo("hit-1"));
        assertThat(f.registry.get("athena.collector.cache.hits").tag("tier", "redis").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldBatchQuestionThatMissesTheCache() {
        answer(keyOf("anthropic", "claude"), ServedBy.of("anthropic", "claude"), CacheTier.L1);
        f.send("miss-1", request("miss-1", "team-a", CODE));
        f.advance(100);
        assertThat(f.results.isEmpty()).isTrue();
        assertThat(f.batches.readValue().items()).hasSize(1);
        assertThat(f.registry.get("athena.collector.cache.misses").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldNotServeDegradedAnswerToRequestForRealModel() {
        Map<String, Object> body = fields("deg-1", "team-a", CODE);
        body.put("provider", "openai");
        body.put("model", "gpt-5");
        answer(keyOf("openai", "gpt-5"), new ServedBy("builtin", "rules-1", true), CacheTier.L1);
        f.send("deg-1", json(body));
        f.advance(100);
        assertThat(f.results.isEmpty()).isTrue();
        assertThat(f.batches.readValue().route()).isEqualTo("openai/gpt-5/interactive");
    }

    @Test
    void shouldAnswerRetryOfCachedRequestOnlyOnce() {
        answer(keyOf("auto", "auto"), ServedBy.of("builtin", "rules-1"), CacheTier.L1);
        f.send("once-1", request("once-1", "team-a", CODE));
        f.send("once-1", request("once-1", "team-a", CODE));
        assertThat(f.results.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldBatchRequestWhenCacheLookupBreaksItsContract() {
        f.close();
        f = new TopologyFixture(new CollectorSettings("127.0.0.1:1", "collector-cache-test", stateDir,
                Duration.ofMillis(100), Duration.ofMillis(100), 32, 100_000, 1024, Duration.ofMillis(50)),
                key -> {
                    throw new IllegalStateException("broken cache");
                });
        f.send("broken-1", request("broken-1", "team-a", CODE));
        f.advance(100);
        assertThat(f.batches.readValue().items()).hasSize(1);
        assertThat(f.results.isEmpty()).isTrue();
    }
}
