package dev.athena.ingest.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderHealthTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private final ProviderHealthReader reader = new ProviderHealthReader(null, () -> NOW, Duration.ofSeconds(15));

    static String snapshot(String provider, String instance, Integer priority, String breaker, Integer available,
            Long requestsRemaining, Long tokensRemaining, Instant updatedAt) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("provider", provider);
        s.put("model", provider + "-model");
        s.put("instanceId", instance);
        s.put("priority", priority);
        s.put("breakerState", breaker);
        s.put("failureRate", breaker == null ? null : 10.0);
        s.put("slowCallRate", null);
        s.put("bulkheadAvailable", available);
        s.put("bulkheadMaxConcurrent", available == null ? null : 20);
        s.put("bulkheadQueued", available == null ? null : 0);
        if (requestsRemaining != null) {
            Map<String, Object> limiter = new LinkedHashMap<>();
            limiter.put("requestsPerMinute", 60);
            limiter.put("requestsRemaining", requestsRemaining);
            limiter.put("tokensPerMinute", 10_000);
            limiter.put("tokensRemaining", tokensRemaining);
            limiter.put("pausedUntil", null);
            limiter.put("shared", true);
            s.put("limiter", limiter);
        } else {
            s.put("limiter", null);
        }
        s.put("updatedAt", updatedAt.toString());
        return Json.writeString(s);
    }

    @Test
    void shouldAggregateFreshInstancesAndIgnoreStaleOnes() {
        var report = reader.report(List.of(
                snapshot("anthropic", "w-a", 1, "CLOSED", 5, 40L, 9_000L, NOW.minusSeconds(1)),
                snapshot("anthropic", "w-b", 1, "HALF_OPEN", 7, 30L, 9_500L, NOW.minusSeconds(3)),
                snapshot("anthropic", "w-dead", 1, "OPEN", 20, 0L, 0L, NOW.minusSeconds(60)),
                snapshot("builtin", "w-a", null, null, null, null, null, NOW),
                snapshot("openai", "w-a", 2, "CLOSED", 20, 60L, 10_000L, NOW)), NOW);

        assertThat(report.staleSnapshots()).isEqualTo(1);
        assertThat(report.providers()).extracting(ProviderHealth::provider)
                .containsExactly("anthropic", "openai", "builtin");
        ProviderHealth anthropic = report.providers().getFirst();
        assertThat(anthropic.breakerState()).as("worst of the fresh ones, not the dead OPEN").isEqualTo("HALF_OPEN");
        assertThat(anthropic.instanceCount()).isEqualTo(2);
        assertThat(anthropic.bulkheadAvailable()).isEqualTo(12);
        assertThat(anthropic.bulkheadMaxConcurrent()).isEqualTo(40);
        assertThat(anthropic.limiter().requestsRemaining()).isEqualTo(30);
        assertThat(anthropic.limiter().tokensRemaining()).isEqualTo(9_000);
        assertThat(anthropic.instances()).extracting(InstanceSnapshot::instanceId).containsExactly("w-a", "w-b");
        ProviderHealth builtin = report.providers().getLast();
        assertThat(builtin.breakerState()).isNull();
        assertThat(builtin.bulkheadAvailable()).isNull();
        assertThat(builtin.limiter()).isNull();
        assertThat(builtin.models()).containsExactly("builtin-model");
    }

    @Test
    void shouldCountUnreadableSnapshotsWithoutFailing() {
        var report = reader.report(List.of("{not json", "{\"provider\":\"x\"}",
                snapshot("openai", "w-a", 2, "OPEN", 0, 0L, 0L, NOW)), NOW);

        assertThat(report.unreadableSnapshots()).isEqualTo(2);
        assertThat(report.providers()).singleElement()
                .satisfies(p -> assertThat(p.breakerState()).isEqualTo("OPEN"));
    }

    @Test
    void shouldRankUnknownBreakerStatesAsOpen() {
        assertThat(ProviderHealth.severity("SOMETHING_NEW")).isEqualTo(ProviderHealth.severity("OPEN"));
        assertThat(ProviderHealth.severity("FORCED_OPEN")).isGreaterThan(ProviderHealth.severity("OPEN"));
        assertThat(ProviderHealth.severity("HALF_OPEN")).isGreaterThan(ProviderHealth.severity("CLOSED"));
    }
}
