package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.cancel.Cancellation;
import dev.athena.schemas.json.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import tools.jackson.databind.JsonNode;

/** {@code DELETE /v1/analyses/{id}}: the cancellation recorded in Redis where the provider workers look for it. */
@Tag("integration")
class CancelIT {
    private static Gateway gateway;
    private static GatewayClient http;
    private static RedissonClient redis;

    @BeforeAll
    static void start() {
        gateway = TestStack.start(TestStack.settings());
        http = new GatewayClient(gateway.port());
        Config config = new Config();
        config.useSingleServer().setAddress(TestStack.endpoints().redisUrl());
        redis = Redisson.create(config);
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.shutdown();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldRecordTheCancellationOfASubmittedAnalysisForItsOwnClientOnly() {
        String client = TestStack.client();
        String other = TestStack.client();
        String key = TestStack.createKey(http, client, "submit", "read");
        HttpResponse<String> submitted = http.post("/v1/analyses", key, GatewayIT.analysis("security"));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        String id = json(submitted).get("id").stringValue();

        assertThat(json(http.get("/v1/analyses/" + id, key)).get("status").stringValue()).isEqualTo("PENDING");

        HttpResponse<String> cancelled = http.delete("/v1/analyses/" + id, key);

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        JsonNode body = json(cancelled);
        assertThat(body.get("id").stringValue()).isEqualTo(id);
        assertThat(body.get("status").stringValue()).isEqualTo("CANCELLING");
        assertThat(body.get("location").stringValue()).isEqualTo("/v1/analyses/" + id);
        var recorded = redis.getBucket(Cancellation.key(client, id), StringCodec.INSTANCE);
        assertThat(recorded.isExists()).isTrue();
        assertThat(recorded.remainTimeToLive()).as("kept a day, as long as the collector remembers an id")
                .isBetween(Cancellation.TTL.toMillis() - 60_000, Cancellation.TTL.toMillis());
        assertThat(redis.getBucket(Cancellation.key(other, id)).isExists()).as("another client's request of that id")
                .isFalse();
        HttpResponse<String> read = http.get("/v1/analyses/" + id, key);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(202);
        assertThat(json(read).get("status").stringValue()).as("until its one result comes").isEqualTo("CANCELLING");
    }

    @Test
    void shouldAcceptAnIdTheGatewayNeverSawSinceAnyIntakeMayHaveIt() {
        String client = TestStack.client();
        String key = TestStack.createKey(http, client, "submit");

        HttpResponse<String> cancelled = http.delete("/v1/analyses/sent-by-kafka-1", key);

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        assertThat(redis.getBucket(Cancellation.key(client, "sent-by-kafka-1")).isExists()).isTrue();
    }

    @Test
    void shouldRefuseToCancelAnAnalysisThatHasEnded() throws Exception {
        String client = TestStack.client();
        String key = TestStack.createKey(http, client, "submit");
        GatewayIT.insertResultRow(GatewayIT.completed("ended-1-" + client, client));

        HttpResponse<String> refused = http.delete("/v1/analyses/ended-1-" + client, key);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(json(refused).get("detail").stringValue())
                .isEqualTo("this analysis has already ended (COMPLETED): there is nothing left to cancel");
        assertThat(redis.getBucket(Cancellation.key(client, "ended-1-" + client)).isExists()).isFalse();
    }

    @Test
    void shouldAnswerKeysWithoutTheScopeAndIdsThatCannotBeRequestIds() {
        String client = TestStack.client();
        String reader = TestStack.createKey(http, client, "read");
        String submitter = TestStack.createKey(http, client, "submit");

        assertThat(http.delete("/v1/analyses/some-id", reader).statusCode()).isEqualTo(403);
        assertThat(http.delete("/v1/analyses/some-id", null).statusCode()).isEqualTo(401);
        assertThat(http.delete("/v1/analyses/" + "x".repeat(129), submitter).statusCode()).isEqualTo(404);
        assertThat(redis.getBucket(Cancellation.key(client, "some-id")).isExists()).isFalse();
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.tree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
