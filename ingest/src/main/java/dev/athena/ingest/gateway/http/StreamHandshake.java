package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.auth.AuthenticationException;
import dev.athena.ingest.gateway.auth.Principal;
import dev.athena.ingest.gateway.limit.RateLimiter;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/** Applies the per-IP and global limits to the upgrade, and takes a key from the Authorization header if sent. */
final class StreamHandshake implements HandshakeInterceptor {
    private final GatewayCore core;

    StreamHandshake(GatewayCore core) {
        this.core = core;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        String ip = request.getRemoteAddress() == null ? null : request.getRemoteAddress().getAddress().getHostAddress();
        RateLimiter.Decision decision = core.limiter().checkAnonymous(ip);
        if (!decision.allowed()) {
            core.metrics().rateLimited(decision.scope());
            response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(decision.retryAfterSeconds()));
            return false;
        }
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization == null) {
            return true;
        }
        try {
            Principal principal = core.authenticator().authenticate(authorization);
            attributes.put(StreamSocket.PRINCIPAL, principal);
            attributes.put(StreamSocket.CREDENTIAL, authorization);
            return true;
        } catch (AuthenticationException e) {
            core.metrics().authFailure(e.reason());
            core.audit().record("auth.failed", null, ip, e.reason() + " websocket handshake");
            response.setStatusCode(HttpStatus.UNAUTHORIZED);
            return false;
        }
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
    }
}
