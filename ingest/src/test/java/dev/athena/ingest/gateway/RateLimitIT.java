package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Two gateway instances share one per-key limit through Redis. */
@Tag("integration")
class RateLimitIT {
    static final int PER_KEY = 6;
    static Gateway first;
    static Gateway second;

    @BeforeAll
    static void start() {
        GatewaySettings settings = TestStack.settings().withRateLimits(new RateLimits(PER_KEY, 0, 0));
        first = TestStack.start(settings);
        second = TestStack.start(settings);
    }

    @AfterAll
    static void stop() {
        for (Gateway g : new Gateway[] {first, second}) {
            if (g != null) {
                g.close();
            }
        }
    }

    @Test
    void shouldShareThePerKeyLimitAcrossInstances() {
        GatewayClient a = new GatewayClient(first.port());
        GatewayClient b = new GatewayClient(second.port());
        String key = TestStack.createKey(a, TestStack.client(), "read");
        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < PER_KEY + 2; i++) {
            last = (i % 2 == 0 ? a : b).get("/v1/analyses/" + UUID.randomUUID(), key);
            statuses.add(last.statusCode());
        }
        assertThat(statuses.subList(0, PER_KEY)).containsOnly(404);
        assertThat(statuses.subList(PER_KEY, PER_KEY + 2)).containsOnly(429);
        assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(last.headers().firstValue("RateLimit-Limit")).hasValue(String.valueOf(PER_KEY));
        assertThat(last.headers().firstValue("RateLimit-Remaining")).hasValue("0");
        assertThat(last.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(last.body()).contains("\"status\":429");

        String other = TestStack.createKey(b, TestStack.client(), "read");
        assertThat(a.get("/v1/analyses/" + UUID.randomUUID(), other).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldCountWebSocketWatchesAgainstTheKeysLimit() throws Exception {
        GatewayClient a = new GatewayClient(first.port());
        String key = TestStack.createKey(a, TestStack.client(), "read");
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + key)
                .buildAsync(URI.create("ws://127.0.0.1:" + first.port() + "/v1/stream"),
                        StreamingIT.collector(messages))
                .get(20, TimeUnit.SECONDS);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < PER_KEY + 2; i++) {
            socket.sendText("{\"type\":\"watch\",\"id\":\"" + UUID.randomUUID() + "\"}", true)
                    .get(10, TimeUnit.SECONDS);
            statuses.add(StreamingIT.nextMessage(messages).get("status").asInt());
        }
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

        assertThat(statuses.subList(0, PER_KEY)).containsOnly(404);
        assertThat(statuses.subList(PER_KEY, PER_KEY + 2)).containsOnly(429);
    }

    @Test
    void shouldLimitPerIpBeforeAuthentication() {
        try (Gateway perIp = TestStack.start(TestStack.settings().withRateLimits(new RateLimits(0, 3, 0)))) {
            GatewayClient http = new GatewayClient(perIp.port());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                statuses.add(http.get("/v1/analyses/x", "ath_guessing").statusCode());
            }
            assertThat(statuses).containsExactly(401, 401, 401, 429, 429);
            assertThat(http.get("/health", null).statusCode()).as("ops endpoints are not limited").isEqualTo(200);
        }
    }

    @Test
    void shouldCountAllowedRequestsInTheRateLimitHeaders() {
        GatewayClient a = new GatewayClient(first.port());
        String key = TestStack.createKey(a, TestStack.client(), "read");
        HttpResponse<String> one = a.get("/v1/analyses/" + UUID.randomUUID(), key);
        HttpResponse<String> two = new GatewayClient(second.port()).get("/v1/analyses/" + UUID.randomUUID(), key);
        assertThat(one.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(PER_KEY - 1));
        assertThat(two.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(PER_KEY - 2));
    }
}
