package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.ingest.client.HttpAthenaClient;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisType;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Event streams and long polls open at once are limited per client and gateway instance. */
@Tag("integration")
class OpenStreamsIT {
    static final int LIMIT = 2;
    static Gateway gateway;
    static GatewayClient http;

    @BeforeAll
    static void start() {
        gateway = TestStack.start(TestStack.settings().withRateLimits(new RateLimits(0, 0, 0, LIMIT)));
        http = new GatewayClient(gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldRefuseAClientsStreamPastItsLimitAndTakeOneAgainOnceAStreamEnds() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        String id = http.submit(key);
        HttpClient client = HttpClient.newHttpClient();

        HttpResponse<InputStream> first = events(client, id, key);
        HttpResponse<InputStream> second = events(client, id, key);
        HttpResponse<InputStream> third = events(client, id, key);
        HttpResponse<String> longPoll = http.get("/v1/analyses/" + id + "?wait=5s", key);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(new String(third.body().readAllBytes())).contains("already has 2 event streams and long polls open");
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(longPoll.statusCode()).isEqualTo(429);

        // another client is not held back by this one
        String otherKey = TestStack.createKey(http, TestStack.client(), "submit", "read");
        HttpResponse<InputStream> other = events(client, http.submit(otherKey), otherKey);
        assertThat(other.statusCode()).isEqualTo(200);
        other.body().close();

        // the result ends both streams; their slots come back
        TestStack.produceResult(GatewayIT.completed(id, clientId));
        first.body().readAllBytes();
        second.body().readAllBytes();
        int status = 0;
        Instant deadline = Instant.now().plusSeconds(20);
        while (status != 200 && Instant.now().isBefore(deadline)) {
            status = http.get("/v1/analyses/" + id + "?wait=1s", key).statusCode();
            Thread.sleep(100);
        }
        assertThat(status).isEqualTo(200);
    }

    /** The Java client meets the limit on a long poll: it waits and asks again instead of failing. */
    @Test
    void shouldLetTheJavaClientWaitForAFreeSlotInsteadOfFailing() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        String held = http.submit(key);
        HttpClient raw = HttpClient.newHttpClient();
        HttpResponse<InputStream> first = events(raw, held, key);
        HttpResponse<InputStream> second = events(raw, held, key);
        assertThat(List.of(first.statusCode(), second.statusCode())).containsOnly(200);
        try (var requests = HttpAthenaClientIT.requestsFromNow(); var client = HttpAthenaClient.connect(
                URI.create("http://127.0.0.1:" + gateway.port()), key)) {
            var future = client.submit(AnalysisRequest.of("limited-1", clientId, AnalysisType.QUALITY, "x = 2\n"));
            String id = HttpAthenaClientIT.idSubmittedBy(requests, clientId);
            TestStack.produceResult(GatewayIT.completed(id, clientId));
            Thread.sleep(2_000);
            assertThat(future).as("refused a long poll, still waiting").isNotDone();

            TestStack.produceResult(GatewayIT.completed(held, clientId));
            first.body().readAllBytes();
            second.body().readAllBytes();

            assertThat(future.get(30, TimeUnit.SECONDS).requestId()).isEqualTo(id);
        }
    }

    private static HttpResponse<InputStream> events(HttpClient client, String id, String key) throws Exception {
        return client.send(http.builder("/v1/analyses/" + id + "/events", key).timeout(Duration.ofMinutes(2))
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
