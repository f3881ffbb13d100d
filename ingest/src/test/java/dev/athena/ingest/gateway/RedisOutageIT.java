package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.infra.stack.SharedLocalStack;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Rate limits live in Redis, but Redis is not the source of truth: while it is away the gateway still serves. */
@Tag("integration")
class RedisOutageIT {
    @Test
    void shouldKeepServingWithLimitsDegradedWhileRedisIsDown() {
        var redis = SharedLocalStack.get().embeddedRedis().orElseThrow();
        try (Gateway gateway = TestStack.start(TestStack.settings().withRateLimits(new RateLimits(1_000, 0, 0)))) {
            GatewayClient http = new GatewayClient(gateway.port());
            String clientId = TestStack.client();
            String key = TestStack.createKey(http, clientId, "submit", "read");
            assertThat(http.get("/v1/analyses/" + UUID.randomUUID(), key).statusCode()).isEqualTo(404);
            redis.stop();
            try {
                HttpResponse<String> submitted = http.post("/v1/analyses", key, GatewayIT.analysis("security"));
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                HttpResponse<String> pending = http.get(submitted.headers().firstValue("Location").orElseThrow(), key);
                assertThat(pending.statusCode()).isEqualTo(202);
                assertThat(pending.body()).as("whether it was cancelled cannot be known").contains("\"PENDING\"");
                HttpResponse<String> cancel = http.delete(submitted.headers().firstValue("Location").orElseThrow(),
                        key);
                assertThat(cancel.statusCode()).as("a cancellation that cannot be recorded").isEqualTo(503);
                assertThat(cancel.body()).contains("nothing was recorded");
                HttpResponse<String> invalidation = http.post("/v1/admin/cache/invalidations", TestStack.ADMIN_KEY,
                        "{\"kind\":\"all\"}");
                assertThat(invalidation.statusCode()).as("an invalidation that cannot reach the splitters")
                        .isEqualTo(503);
                assertThat(invalidation.body()).contains("nothing was published");
            } finally {
                redis.restart();
            }
            assertThat(limitOnceRedisAnswers(http, key)).as("limits back once Redis is").hasValue("1000");
        }
    }

    @Test
    void shouldStartWhileRedisIsDownAndLimitOnceItAnswers() {
        var redis = SharedLocalStack.get().embeddedRedis().orElseThrow();
        redis.stop();
        try (Gateway gateway = TestStack.start(TestStack.settings().withRateLimits(new RateLimits(1_000, 0, 0)))) {
            GatewayClient http = new GatewayClient(gateway.port());
            String key = TestStack.createKey(http, TestStack.client(), "submit", "read");
            HttpResponse<String> submitted = http.post("/v1/analyses", key, GatewayIT.analysis("security"));
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
            String location = submitted.headers().firstValue("Location").orElseThrow();
            assertThat(http.delete(location, key).statusCode()).as("nothing can be recorded yet").isEqualTo(503);

            redis.restart();
            assertThat(limitOnceRedisAnswers(http, key)).as("limits once Redis answers").hasValue("1000");
            HttpResponse<String> cancel = http.delete(location, key);
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        } finally {
            redis.restart();
        }
    }

    /** The {@code RateLimit-Limit} a read gets once the gateway's limiter reaches Redis again (30 s at most). */
    private static Optional<String> limitOnceRedisAnswers(GatewayClient http, String key) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        HttpResponse<String> after;
        do {
            after = http.get("/v1/analyses/" + UUID.randomUUID(), key);
        } while (after.headers().firstValue("RateLimit-Limit").isEmpty() && System.nanoTime() < deadline);
        return after.headers().firstValue("RateLimit-Limit");
    }
}
