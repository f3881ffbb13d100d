package dev.athena.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.athena.schemas.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

@Tag("integration")
class StreamingIT {
    static Gateway gateway;
    static GatewayClient http;

    @BeforeAll
    static void start() {
        gateway = TestStack.start(TestStack.settings());
        http = new GatewayClient(gateway.port());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** One parsed SSE event; END marks the end of the stream. */
    record Event(String id, String name, String data) {
        static final Event END = new Event(null, "end", null);
    }

    static BlockingQueue<Event> openEvents(String id, String key, String lastEventId) throws Exception {
        HttpRequest.Builder b = http.builder("/v1/analyses/" + id + "/events", key).timeout(Duration.ofMinutes(2))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(b.GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/event-stream"));
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            String eventId = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            try (Stream<String> lines = response.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (name != null) {
                            events.add(new Event(eventId, name, data.toString()));
                        }
                        eventId = null;
                        name = null;
                        data.setLength(0);
                    } else if (line.startsWith("id: ")) {
                        eventId = line.substring(4);
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        data.append(line.substring(6));
                    }
                }
            } finally {
                events.add(Event.END);
            }
        });
        return events;
    }

    static Event next(BlockingQueue<Event> events) throws InterruptedException {
        Event event = events.poll(40, TimeUnit.SECONDS);
        assertThat(event).as("an event within 40 s").isNotNull();
        return event;
    }

    @Test
    void shouldStreamChunksThenTheResultAndResumeAfterLastEventId() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        String id = submit(key);

        BlockingQueue<Event> first = openEvents(id, key, null);
        for (int seq = 0; seq < 3; seq++) {
            TestStack.produceChunk(clientId, id, seq, "part " + seq, seq == 2);
        }
        List<String> firstIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Event e = next(first);
            assertThat(e.name()).isEqualTo("chunk");
            firstIds.add(e.id());
        }
        assertThat(firstIds).containsExactly("0", "1", "2");

        BlockingQueue<Event> resumed = openEvents(id, key, "1");
        Event onlyMissing = next(resumed);
        assertThat(onlyMissing.id()).isEqualTo("2");
        assertThat(Json.tree(onlyMissing.data().getBytes(StandardCharsets.UTF_8)).get("delta").stringValue())
                .isEqualTo("part 2");

        TestStack.produceResult(GatewayIT.completed(id, clientId));
        for (BlockingQueue<Event> stream : List.of(first, resumed)) {
            Event result = next(stream);
            assertThat(result.name()).isEqualTo("result");
            assertThat(result.id()).isEqualTo("result");
            assertThat(Json.tree(result.data().getBytes(StandardCharsets.UTF_8)).get("status").stringValue())
                    .isEqualTo("COMPLETED");
            assertThat(next(stream)).isEqualTo(Event.END);
        }
        HttpResponse<String> done = http.send(http.builder("/v1/analyses/" + id + "/events", key)
                .header("Last-Event-ID", "result").GET().build());
        assertThat(done.statusCode()).isEqualTo(204);

        BlockingQueue<Event> late = openEvents(id, key, null);
        List<String> lateIds = new ArrayList<>();
        for (Event e = next(late); e != Event.END; e = next(late)) {
            lateIds.add(e.id());
        }
        assertThat(lateIds).as("a late subscriber gets everything once").containsExactly("0", "1", "2", "result");
    }

    @Test
    void shouldRefuseEventsOfAnotherClient() {
        String owner = TestStack.createKey(http, TestStack.client(), "submit", "read");
        String stranger = TestStack.createKey(http, TestStack.client(), "read");
        String id = submit(owner);
        assertThat(http.get("/v1/analyses/" + id + "/events", stranger).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldSubmitAndReceiveChunksAndTheResultOverOneWebSocket() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket socket = openSocket(key, messages);
        socket.sendText(Json.writeString(Map.of("type", "submit", "ref", "r1", "request",
                Map.of("analysisType", "security", "code", GatewayIT.CODE))), true).get(10, TimeUnit.SECONDS);
        JsonNode accepted = nextMessage(messages);
        assertThat(accepted.get("type").stringValue()).isEqualTo("accepted");
        assertThat(accepted.get("ref").stringValue()).isEqualTo("r1");
        String id = accepted.get("id").stringValue();

        TestStack.produceChunk(clientId, id, 0, "thinking", false);
        JsonNode chunk = nextMessage(messages);
        assertThat(chunk.get("type").stringValue()).isEqualTo("chunk");
        assertThat(chunk.get("chunk").get("delta").stringValue()).isEqualTo("thinking");
        TestStack.produceResult(GatewayIT.completed(id, clientId));
        JsonNode result = nextMessage(messages);
        assertThat(result.get("type").stringValue()).isEqualTo("result");
        assertThat(result.get("result").get("requestId").stringValue()).isEqualTo(id);

        socket.sendText(Json.writeString(Map.of("type", "submit", "ref", "r2", "request",
                Map.of("analysisType", "security"))), true).get(10, TimeUnit.SECONDS);
        JsonNode error = nextMessage(messages);
        assertThat(error.get("type").stringValue()).isEqualTo("error");
        assertThat(error.get("status").asInt()).isEqualTo(422);
        assertThat(error.get("field").stringValue()).isEqualTo("code");

        // the same rule as the HTTP header: a blank or overlong idempotency key is refused, naming the field
        socket.sendText(Json.writeString(Map.of("type", "submit", "ref", "r3", "idempotencyKey", " ", "request",
                Map.of("analysisType", "security", "code", GatewayIT.CODE))), true).get(10, TimeUnit.SECONDS);
        JsonNode blankKey = nextMessage(messages);
        assertThat(blankKey.get("status").asInt()).isEqualTo(422);
        assertThat(blankKey.get("field").stringValue()).isEqualTo("idempotencyKey");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRequireAuthOnTheWebSocketBeforeAnythingElse() throws Exception {
        String key = TestStack.createKey(http, TestStack.client(), "read");
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/stream"), collector(messages))
                .get(20, TimeUnit.SECONDS);
        socket.sendText("{\"type\":\"watch\",\"id\":\"abc\"}", true).get(10, TimeUnit.SECONDS);
        assertThat(nextMessage(messages).get("status").asInt()).isEqualTo(401);
        socket.sendText(Json.writeString(Map.of("type", "auth", "key", key)), true).get(10, TimeUnit.SECONDS);
        assertThat(nextMessage(messages).get("type").stringValue()).isEqualTo("authenticated");
        socket.sendText("{\"type\":\"watch\",\"id\":\"abc\"}", true).get(10, TimeUnit.SECONDS);
        assertThat(nextMessage(messages).get("status").asInt()).isEqualTo(404);
        socket.sendText("{\"type\":\"submit\",\"request\":{}}", true).get(10, TimeUnit.SECONDS);
        assertThat(nextMessage(messages).get("status").asInt()).isEqualTo(403);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRefuseAWebSocketHandshakeWithABadKey() {
        var attempt = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer ath_bad")
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/stream"),
                        collector(new LinkedBlockingQueue<>()));
        assertThat(attempt).failsWithin(Duration.ofSeconds(20));
    }

    static String submit(String key) {
        return http.submit(key);
    }

    static JsonNode nextMessage(BlockingQueue<JsonNode> messages) throws InterruptedException {
        JsonNode message = messages.poll(40, TimeUnit.SECONDS);
        assertThat(message).as("a message within 40 s").isNotNull();
        return message;
    }

    static WebSocket.Listener collector(BlockingQueue<JsonNode> messages) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    messages.add(Json.tree(partial.toString().getBytes(StandardCharsets.UTF_8)));
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                messages.add(Json.tree(Json.writeString(Map.of("type", "closed", "status", statusCode))
                        .getBytes(StandardCharsets.UTF_8)));
                return null;
            }
        };
    }

    static WebSocket openSocket(String key, BlockingQueue<JsonNode> messages) throws Exception {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + key)
                .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/stream"), collector(messages))
                .get(20, TimeUnit.SECONDS);
    }

    @Test
    void shouldStopServingAndCloseAWebSocketWhoseKeyIsRevoked() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        String keyId = Json.tree(http.get("/v1/admin/keys?clientId=" + clientId, TestStack.ADMIN_KEY).body()
                .getBytes(StandardCharsets.UTF_8)).get("keys").get(0).get("keyId").stringValue();
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket socket = openSocket(key, messages);
        socket.sendText("{\"type\":\"watch\",\"id\":\"abc\"}", true).get(10, TimeUnit.SECONDS);
        assertThat(nextMessage(messages).get("status").asInt()).as("served while the key is valid").isEqualTo(404);

        assertThat(http.delete("/v1/admin/keys/" + keyId, TestStack.ADMIN_KEY).statusCode()).isEqualTo(204);
        socket.sendText("{\"type\":\"watch\",\"id\":\"abc\"}", true).get(10, TimeUnit.SECONDS);

        JsonNode refused = nextMessage(messages);
        assertThat(refused.get("status").asInt()).isEqualTo(401);
        assertThat(refused.get("detail").stringValue()).contains("no longer valid");
        JsonNode closed = nextMessage(messages);
        assertThat(closed.get("type").stringValue()).isEqualTo("closed");
        assertThat(closed.get("status").asInt()).isEqualTo(1008);
    }

    @Test
    void shouldFollowAtMostSixtyFourRequestsOnOneConnectionAndEachOnlyOnce() throws Exception {
        String clientId = TestStack.client();
        String key = TestStack.createKey(http, clientId, "submit", "read");
        TestStack.ensureResultTopic(clientId);
        BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        WebSocket socket = openSocket(key, messages);
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i <= 64; i++) {
            ids.add(submit(key));
        }
        for (int i = 0; i < 64; i++) {
            socket.sendText(Json.writeString(Map.of("type", "watch", "id", ids.get(i))), true)
                    .get(10, TimeUnit.SECONDS);
        }
        // the same request again is no second follower, so no second result
        socket.sendText(Json.writeString(Map.of("type", "watch", "id", ids.get(0))), true).get(10, TimeUnit.SECONDS);
        socket.sendText(Json.writeString(Map.of("type", "watch", "ref", "over", "id", ids.get(64))), true)
                .get(10, TimeUnit.SECONDS);

        JsonNode over = nextMessage(messages);
        assertThat(over.get("ref").stringValue()).isEqualTo("over");
        assertThat(over.get("status").asInt()).isEqualTo(429);
        // a submission over the cap is accepted, and the client is told it will not be followed here
        socket.sendText(Json.writeString(Map.of("type", "submit", "ref", "s65", "request",
                Map.of("analysisType", "security", "code", GatewayIT.CODE))), true).get(10, TimeUnit.SECONDS);
        JsonNode accepted = nextMessage(messages);
        assertThat(accepted.get("type").stringValue()).isEqualTo("accepted");
        JsonNode notFollowed = nextMessage(messages);
        assertThat(notFollowed.get("ref").stringValue()).isEqualTo("s65");
        assertThat(notFollowed.get("status").asInt()).isEqualTo(429);
        assertThat(notFollowed.get("detail").stringValue()).contains(accepted.get("id").stringValue())
                .contains("not followed");
        TestStack.produceResult(GatewayIT.completed(ids.get(0), clientId));
        JsonNode result = nextMessage(messages);
        assertThat(result.get("type").stringValue()).isEqualTo("result");
        assertThat(result.get("id").stringValue()).isEqualTo(ids.get(0));
        assertThat(messages.poll(2, TimeUnit.SECONDS)).as("one result for a request watched twice").isNull();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }
}
