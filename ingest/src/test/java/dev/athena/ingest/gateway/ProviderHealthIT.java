package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.gateway.health.ProviderHealthReader;
import dev.athena.schemas.json.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RMap;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import tools.jackson.databind.JsonNode;

/** The admin API reads what provider workers publish to Redis; written here exactly as the workers write it. */
@Tag("integration")
class ProviderHealthIT {

    private static String snapshot(String provider, String instance, Integer priority, String breaker,
            Integer available, Long requestsRemaining, Long tokensRemaining, Instant updatedAt) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("provider", provider);
        s.put("model", "m-1");
        s.put("instanceId", instance);
        s.put("priority", priority);
        s.put("breakerState", breaker);
        s.put("failureRate", null);
        s.put("slowCallRate", null);
        s.put("bulkheadAvailable", available);
        s.put("bulkheadMaxConcurrent", available == null ? null : 20);
        s.put("bulkheadQueued", available == null ? null : 0);
        s.put("limiter", requestsRemaining == null ? null : Map.of("requestsPerMinute", 60, "requestsRemaining",
                requestsRemaining, "tokensPerMinute", 10_000, "tokensRemaining", tokensRemaining, "shared", true));
        s.put("updatedAt", updatedAt.toString());
        return Json.writeString(s);
    }

    @Test
    void shouldAggregateFreshSnapshotsForAdminsOnlyAndAuditTheRead() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String remote = "anthropic-" + suffix;
        String local = "builtin-" + suffix;
        Config config = new Config();
        config.useSingleServer().setAddress(TestStack.endpoints().redisUrl());
        RedissonClient redis = Redisson.create(config);
        RMap<String, String> hash = redis.getMap(ProviderHealthReader.HASH, StringCodec.INSTANCE);
        Instant now = Instant.now();
        Map<String, String> fields = Map.of(
                remote + "|w-a-" + suffix, snapshot(remote, "w-a-" + suffix, 1, "CLOSED", 5, 40L, 9_000L, now),
                remote + "|w-b-" + suffix, snapshot(remote, "w-b-" + suffix, 1, "HALF_OPEN", 7, 30L, 9_500L, now),
                remote + "|w-dead-" + suffix, snapshot(remote, "w-dead-" + suffix, 1, "OPEN", 20, 0L, 0L,
                        now.minusSeconds(120)),
                local + "|w-a-" + suffix, snapshot(local, "w-a-" + suffix, null, null, null, null, null, now));
        try (Gateway gateway = TestStack.start(TestStack.settings())) {
            hash.putAll(fields);
            GatewayClient http = new GatewayClient(gateway.port());

            HttpResponse<String> response = http.get("/v1/admin/providers", TestStack.ADMIN_KEY);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
            assertThat(body.get("maxAgeSeconds").asInt()).isEqualTo(15);
            assertThat(body.get("staleSnapshots").asInt()).isGreaterThanOrEqualTo(1);
            JsonNode anthropic = provider(body, remote);
            assertThat(anthropic.get("breakerState").stringValue()).as("the stale OPEN is ignored")
                    .isEqualTo("HALF_OPEN");
            assertThat(anthropic.get("instanceCount").asInt()).isEqualTo(2);
            assertThat(anthropic.get("bulkheadAvailable").asInt()).isEqualTo(12);
            assertThat(anthropic.get("limiter").get("requestsRemaining").asLong()).isEqualTo(30);
            assertThat(anthropic.get("limiter").get("tokensRemaining").asLong()).isEqualTo(9_000);
            List<String> instances = anthropic.get("instances").valueStream()
                    .map(i -> i.get("instanceId").stringValue()).toList();
            assertThat(instances).containsExactly("w-a-" + suffix, "w-b-" + suffix);
            JsonNode builtin = provider(body, local);
            assertThat(builtin.get("breakerState").isNull()).isTrue();
            assertThat(builtin.get("limiter").isNull()).isTrue();

            String reader = TestStack.createKey(http, TestStack.client(), "submit", "read");
            HttpResponse<String> forbidden = http.get("/v1/admin/providers", reader);
            assertThat(forbidden.statusCode()).as(forbidden.body()).isEqualTo(403);
            assertThat(forbidden.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(forbidden.body()).doesNotContain(remote);
            assertThat(http.get("/v1/admin/providers", null).statusCode()).isEqualTo(401);
            assertThat(http.get("/v1/admin/audit?limit=50", TestStack.ADMIN_KEY).body()).contains("providers.read");
        } finally {
            hash.fastRemove(fields.keySet().toArray(String[]::new));
            redis.shutdown();
        }
    }

    private static JsonNode provider(JsonNode body, String name) {
        return body.get("providers").valueStream().filter(p -> p.get("provider").stringValue().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no provider " + name + " in " + body));
    }
}
