package dev.athena.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import dev.athena.workers.metrics.WorkerMetrics;
import dev.athena.workers.resilience.LocalRateLimit;
import dev.athena.workers.resilience.ProviderPolicy;
import dev.athena.workers.resilience.ResilientProvider;
import dev.athena.workers.resilience.Sleeper;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ProviderSnapshotTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final ProviderPolicy policy = ProviderPolicy.of(60, 6_000, 4).withBreaker(4, 4, Duration.ofSeconds(30),
            dev.athena.workers.resilience.Backoff.EXPONENTIAL);

    private static JsonNode json(ProviderSnapshot snapshot) {
        return Json.tree(Json.writeString(snapshot).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReportAnOpenBreakerItsRatesTheBulkheadAndTheLimiterHeadroom() {
        CircuitBreaker breaker = CircuitBreaker.of("anthropic", ResilientProvider.breakerConfig(policy, clock));
        for (int i = 0; i < 3; i++) {
            breaker.onError(10, TimeUnit.MILLISECONDS, new RuntimeException("503"));
        }
        breaker.onSuccess(10, TimeUnit.MILLISECONDS);
        Bulkhead bulkhead = Bulkhead.of("anthropic", ResilientProvider.bulkheadConfig(policy));
        bulkhead.acquirePermission();
        LocalRateLimit limit = new LocalRateLimit("anthropic", 60, 6_000, clock, Sleeper.SYSTEM);
        limit.acquire(1_000, Duration.ZERO);
        limit.acquire(500, Duration.ZERO);
        limit.pause(Duration.ofSeconds(20));

        ProviderSnapshot snapshot = ProviderSnapshot.of(
                new HealthSource("anthropic", "claude-x", 1, breaker, bulkhead, limit, () -> 2), "w-1", NOW);
        JsonNode node = json(snapshot);

        assertThat(snapshot.field()).isEqualTo("anthropic|w-1");
        assertThat(node.get("provider").stringValue()).isEqualTo("anthropic");
        assertThat(node.get("model").stringValue()).isEqualTo("claude-x");
        assertThat(node.get("instanceId").stringValue()).isEqualTo("w-1");
        assertThat(node.get("priority").asInt()).isEqualTo(1);
        assertThat(node.get("breakerState").stringValue()).isEqualTo("OPEN");
        assertThat(node.get("failureRate").asDouble()).isEqualTo(75.0);
        assertThat(node.get("slowCallRate").asDouble()).isEqualTo(0.0);
        assertThat(node.get("bulkheadAvailable").asInt()).isEqualTo(3);
        assertThat(node.get("bulkheadMaxConcurrent").asInt()).isEqualTo(4);
        assertThat(node.get("bulkheadQueued").asInt()).isEqualTo(2);
        JsonNode limiter = node.get("limiter");
        assertThat(limiter.get("requestsPerMinute").asLong()).isEqualTo(60);
        assertThat(limiter.get("requestsRemaining").asLong()).isEqualTo(58);
        assertThat(limiter.get("tokensPerMinute").asLong()).isEqualTo(6_000);
        assertThat(limiter.get("tokensRemaining").asLong()).isEqualTo(4_500);
        assertThat(limiter.get("pausedUntil").stringValue()).isEqualTo("2026-11-30T10:00:20Z");
        assertThat(limiter.get("shared").asBoolean()).isFalse();
        assertThat(node.get("updatedAt").stringValue()).isEqualTo("2026-11-30T10:00:00Z");
    }

    @Test
    void shouldLeaveRatesUnknownUntilTheBreakerWindowHoldsTheMinimumCalls() {
        CircuitBreaker breaker = CircuitBreaker.of("openai", ResilientProvider.breakerConfig(policy, clock));
        breaker.onError(10, TimeUnit.MILLISECONDS, new RuntimeException("503"));
        LocalRateLimit limit = new LocalRateLimit("openai", 60, 6_000, clock, Sleeper.SYSTEM);

        JsonNode node = json(ProviderSnapshot.of(new HealthSource("openai", "gpt-x", 2, breaker,
                Bulkhead.of("openai", ResilientProvider.bulkheadConfig(policy)), limit, null), "w-1", NOW));

        assertThat(node.get("breakerState").stringValue()).isEqualTo("CLOSED");
        assertThat(node.get("failureRate").isNull()).isTrue();
        assertThat(node.get("bulkheadAvailable").asInt()).isEqualTo(4);
        assertThat(node.get("bulkheadQueued").asInt()).isZero();
        assertThat(node.get("limiter").get("requestsRemaining").asLong()).isEqualTo(60);
        assertThat(node.get("limiter").get("pausedUntil").isNull()).isTrue();
    }

    @Test
    void shouldDescribeBuiltinWithoutGuards() {
        JsonNode node = json(ProviderSnapshot.of(HealthSource.unguarded("builtin", "rules-1"), "w-2", NOW));

        assertThat(node.get("provider").stringValue()).isEqualTo("builtin");
        assertThat(node.get("model").stringValue()).isEqualTo("rules-1");
        assertThat(node.get("priority").isNull()).isTrue();
        assertThat(node.get("breakerState").isNull()).isTrue();
        assertThat(node.get("bulkheadAvailable").isNull()).isTrue();
        assertThat(node.get("limiter").isNull()).isTrue();
    }

    @Test
    void shouldReadTheGuardsOfAResilientProvider() {
        var metrics = new WorkerMetrics(new SimpleMeterRegistry());
        var delegate = new dev.athena.workers.provider.builtin.BuiltinProvider();
        var guarded = new ResilientProvider(delegate, policy, new LocalRateLimit("builtin", 60, 6_000, clock,
                Sleeper.SYSTEM), clock, Sleeper.SYSTEM, new java.util.SplittableRandom(1), metrics);

        HealthSource source = HealthSource.of(3, guarded);

        assertThat(source.breaker()).isSameAs(guarded.circuitBreaker());
        assertThat(source.bulkhead()).isSameAs(guarded.bulkhead());
        assertThat(source.limit()).isSameAs(guarded.rateLimit());
        assertThat(source.priority()).isEqualTo(3);
        assertThat(source.model()).isEqualTo("rules-1");
    }

    @Test
    void shouldCountSkippedPublicationsWhenThereIsNoRedis() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        var publisher = new ProviderHealthPublisher(null, "w-3",
                List.of(HealthSource.unguarded("builtin", "rules-1")), clock, new WorkerMetrics(registry),
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor());

        assertThat(publisher.publish()).isFalse();
        assertThat(publisher.snapshots()).singleElement().satisfies(s -> assertThat(s.updatedAt()).isEqualTo(NOW));
        assertThat(registry.get(WorkerMetrics.HEALTH_PUBLISHES).tag("outcome", "skipped").counter().count())
                .isEqualTo(1.0);
        publisher.close();
    }
}
