package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.analysis.KafkaUnavailableException;
import dev.athena.ingest.gateway.analysis.Lookup;
import dev.athena.ingest.gateway.analysis.SubmitOutcome;
import dev.athena.ingest.gateway.auth.AuthenticationException;
import dev.athena.ingest.gateway.auth.Principal;
import dev.athena.ingest.gateway.auth.Scope;
import dev.athena.ingest.gateway.limit.RateLimiter;
import dev.athena.ingest.gateway.store.StoreUnavailableException;
import dev.athena.ingest.gateway.stream.EventSink;
import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.validation.Rejection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/stream}: submit and follow analyses on one connection. Messages are JSON objects with a
 * {@code type}: from the client {@code auth} {key}, {@code submit} {ref, request, idempotencyKey?}, {@code watch}
 * {id, after?}; from the server {@code authenticated}, {@code accepted} {ref, id}, {@code chunk} {id, chunk},
 * {@code result} {id, result}, {@code error} {ref?, status, field?, detail}. A key may also come in the handshake's
 * Authorization header. Each followed request is pumped on a virtual thread of its own.
 */
public final class StreamSocket extends TextWebSocketHandler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSocket.class);
    static final String PRINCIPAL = "athena.principal";
    /** The Authorization value the session authenticated with, checked again before each submit and watch. */
    static final String CREDENTIAL = "athena.credential";
    private static final String WATCHERS = "athena.watchers";
    private static final String REVOKED = "athena.revoked";
    /** Requests one connection follows at once; each holds a virtual thread that re-reads the store. */
    static final int MAX_FOLLOWED = 64;
    private static final String IP = "athena.ip";
    private static final Duration MAX_FOLLOW = Duration.ofMinutes(10);

    private final GatewayCore core;
    private final RateLimiter limiter;

    public StreamSocket(GatewayCore core, RateLimiter limiter) {
        this.core = core;
        this.limiter = limiter;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        session.getAttributes().put(WATCHERS, new ConcurrentHashMap<String, Thread>());
        session.getAttributes().put(IP, session.getRemoteAddress() == null ? null
                : session.getRemoteAddress().getAddress().getHostAddress());
    }

    @Override
    protected void handleTextMessage(WebSocketSession raw, TextMessage message) throws IOException {
        WebSocketSession session = decorated(raw);
        JsonNode node;
        try {
            node = Json.tree(message.asBytes());
        } catch (JsonContractException e) {
            send(session, error(null, 400, "body", "message is " + e.getMessage()));
            return;
        }
        String type = text(node, "type");
        String ref = text(node, "ref");
        try {
            switch (type == null ? "" : type) {
                case "auth" -> auth(session, text(node, "key"));
                case "submit" -> submit(session, ref, node);
                case "watch" -> watch(session, ref, text(node, "id"), node.has("after") ? node.get("after").asLong(-1)
                        : -1);
                default -> send(session, error(ref, 400, "type", "type must be auth, submit or watch"));
            }
        } catch (ApiProblem p) {
            send(session, error(ref, p.status(), p.field(), p.getMessage()));
            if (session.getAttributes().remove(REVOKED) != null) {
                closeQuietly(session);
            }
        } catch (StoreUnavailableException | KafkaUnavailableException e) {
            // one failed message, not the connection: its other followed requests carry on
            send(session, error(ref, 503, null, "the gateway cannot reach its store or Kafka right now; retry"));
        }
    }

    private void auth(WebSocketSession session, String key) {
        RateLimiter.Decision decision = limiter.checkAnonymous((String) session.getAttributes().get(IP));
        if (!decision.allowed()) {
            core.metrics().rateLimited(decision.scope());
            throw new ApiProblem(429, "Too Many Requests", "too many attempts; retry after "
                    + decision.retryAfterSeconds() + " s");
        }
        try {
            String credential = key == null ? null : "Bearer " + key;
            Principal principal = core.authenticator().authenticate(credential);
            session.getAttributes().put(PRINCIPAL, principal);
            session.getAttributes().put(CREDENTIAL, credential);
            send(session, Map.of("type", "authenticated", "clientId", String.valueOf(principal.clientId())));
        } catch (AuthenticationException e) {
            core.metrics().authFailure(e.reason());
            core.audit().record("auth.failed", null, (String) session.getAttributes().get(IP),
                    e.reason() + " websocket");
            throw new ApiProblem(401, "Unauthorized", e.getMessage());
        }
    }

    private void submit(WebSocketSession session, String ref, JsonNode node) {
        Principal principal = require(session, Scope.SUBMIT);
        checkRate(principal);
        JsonNode request = node.get("request");
        byte[] body = request == null ? new byte[0] : Json.write(request);
        if (body.length > core.maxBodyBytes()) {
            throw new ApiProblem(413, "Content Too Large", "request is over " + core.maxBodyBytes() + " bytes",
                    "request", Map.of());
        }
        String idempotencyKey = text(node, "idempotencyKey");
        AnalysisController.checkIdempotencyKey(idempotencyKey, "field 'idempotencyKey'", "idempotencyKey");
        SubmitOutcome outcome = core.submitter().submit(principal.clientId(), body, idempotencyKey, null);
        switch (outcome) {
            case SubmitOutcome.Accepted accepted -> {
                core.metrics().submission(accepted.replay() ? "replayed" : "accepted");
                send(session, Map.of("type", "accepted", "ref", String.valueOf(ref), "id", accepted.requestId()));
                if (principal.has(Scope.READ) && !follow(session, principal, accepted.requestId(), -1)) {
                    // accepted all the same (it is on its way): the client must learn that no result will come here
                    throw new ApiProblem(429, "Too Many Requests", "accepted as " + accepted.requestId()
                            + " but not followed: this connection already follows " + MAX_FOLLOWED
                            + " requests; watch it once a result arrived");
                }
            }
            case SubmitOutcome.Invalid invalid -> {
                core.metrics().submission("invalid");
                Rejection r = invalid.rejection();
                throw new ApiProblem(r.field() == null ? 400 : 422, "Unprocessable Content", r.message(),
                        r.field() == null ? "request" : r.field(), Map.of());
            }
            case SubmitOutcome.IdempotencyMismatch mismatch -> throw new ApiProblem(422, "Unprocessable Content",
                    "this idempotencyKey was already used with a different request", "idempotencyKey", Map.of());
        }
    }

    private void watch(WebSocketSession session, String ref, String id, long after) {
        Principal principal = require(session, Scope.READ);
        checkRate(principal);
        if (id == null || !AnalysisController.REQUEST_ID.matcher(id).matches()
                || core.lookup().find(principal.clientId(), id) instanceof Lookup.NotFound) {
            throw AnalysisController.notFound();
        }
        if (!follow(session, principal, id, after)) {
            throw new ApiProblem(429, "Too Many Requests", "this connection already follows " + MAX_FOLLOWED
                    + " requests; wait for a result first");
        }
    }

    private void checkRate(Principal principal) {
        RateLimiter.Decision decision = limiter.checkKey(principal.keyId());
        if (!decision.allowed()) {
            core.metrics().rateLimited(decision.scope());
            throw new ApiProblem(429, "Too Many Requests", "rate limit exceeded; retry after "
                    + decision.retryAfterSeconds() + " s");
        }
    }

    /**
     * Follows a request on a virtual thread of its own; a request already followed is not followed twice.
     * Returns false when the connection already follows its most.
     */
    @SuppressWarnings("unchecked")
    private boolean follow(WebSocketSession session, Principal principal, String id, long after) {
        Map<String, Thread> watchers = (Map<String, Thread>) session.getAttributes().get(WATCHERS);
        if (watchers.containsKey(id)) {
            return true;
        }
        if (watchers.size() >= MAX_FOLLOWED) {
            return false;
        }
        Thread watcher = Thread.ofVirtual().name("athena-ws-follow").unstarted(() -> {
            try {
                core.pump().run(principal.clientId(), id, after, MAX_FOLLOW, sink(session));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("websocket follow ended by {}", e.getClass().getSimpleName());
            } finally {
                watchers.remove(id, Thread.currentThread());
            }
        });
        if (watchers.putIfAbsent(id, watcher) == null) {
            watcher.start();
        }
        return true;
    }

    private EventSink sink(WebSocketSession session) {
        return new EventSink() {
            @Override
            public void chunk(AnalysisChunk chunk) throws IOException {
                sendOrThrow(session, Map.of("type", "chunk", "id", chunk.requestId(), "chunk", chunk));
            }

            @Override
            public void result(String requestId, String resultJson) throws IOException {
                sendOrThrow(session, Map.of("type", "result", "id", requestId,
                        "result", Json.tree(resultJson.getBytes(StandardCharsets.UTF_8))));
            }

            @Override
            public void heartbeat() throws IOException {
                session.sendMessage(new PingMessage(ByteBuffer.allocate(0)));
            }
        };
    }

    /**
     * The session's principal, its key checked again (through the authenticator's short cache, which a revocation
     * on this instance clears): a key revoked while its connection is open stops working on it too, and the
     * connection is closed.
     */
    private Principal require(WebSocketSession session, Scope scope) {
        Principal principal = (Principal) session.getAttributes().get(PRINCIPAL);
        if (principal == null) {
            throw new ApiProblem(401, "Unauthorized", "send {\"type\":\"auth\",\"key\":\"ath_...\"} first");
        }
        try {
            principal = core.authenticator().authenticate((String) session.getAttributes().get(CREDENTIAL));
        } catch (AuthenticationException e) {
            core.metrics().authFailure(e.reason());
            session.getAttributes().remove(PRINCIPAL);
            session.getAttributes().put(REVOKED, true);
            throw new ApiProblem(401, "Unauthorized", "the key of this connection is no longer valid: "
                    + e.getMessage());
        }
        if (!principal.has(scope)) {
            throw new ApiProblem(403, "Forbidden", "this key lacks the '" + scope.wireName() + "' scope");
        }
        return principal;
    }

    private static void closeQuietly(WebSocketSession session) {
        try {
            session.close(CloseStatus.POLICY_VIOLATION.withReason("key revoked"));
        } catch (IOException e) {
            LOG.debug("websocket close failed: {}", e.getClass().getSimpleName());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Map<String, Thread> watchers = (Map<String, Thread>) session.getAttributes().get(WATCHERS);
        if (watchers != null) {
            watchers.values().forEach(Thread::interrupt);
        }
    }

    private static WebSocketSession decorated(WebSocketSession raw) {
        Object existing = raw.getAttributes().get("athena.decorated");
        if (existing instanceof WebSocketSession s) {
            return s;
        }
        WebSocketSession s = new ConcurrentWebSocketSessionDecorator(raw, 10_000, 1024 * 1024);
        raw.getAttributes().put("athena.decorated", s);
        return s;
    }

    private static void send(WebSocketSession session, Map<String, ?> message) {
        try {
            sendOrThrow(session, message);
        } catch (IOException e) {
            LOG.debug("websocket send failed: {}", e.getClass().getSimpleName());
        }
    }

    private static void sendOrThrow(WebSocketSession session, Map<String, ?> message) throws IOException {
        decorated(session).sendMessage(new TextMessage(Json.writeString(message)));
    }

    private static Map<String, Object> error(String ref, int status, String field, String detail) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", "error");
        if (ref != null) {
            out.put("ref", ref);
        }
        out.put("status", status);
        if (field != null) {
            out.put("field", field);
        }
        out.put("detail", detail);
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }
}
