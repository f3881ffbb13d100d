package dev.athena.ingest.gateway.http;

import dev.athena.ingest.gateway.GatewayMetrics;
import dev.athena.ingest.gateway.auth.ApiKeyFormat;
import dev.athena.ingest.gateway.auth.AuthenticationException;
import dev.athena.ingest.gateway.auth.Authenticator;
import dev.athena.ingest.gateway.auth.Principal;
import dev.athena.ingest.gateway.auth.Scope;
import dev.athena.ingest.gateway.limit.RateLimiter;
import dev.athena.ingest.gateway.store.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * The door of every /v1 call: the per-IP and global limits, authentication, scope, then the per-key limit.
 * Failures are audited by reason with the caller's IP, never with what was presented.
 */
public final class RequestGuard {
    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final AuditLog audit;
    private final GatewayMetrics metrics;

    public RequestGuard(Authenticator authenticator, RateLimiter limiter, AuditLog audit, GatewayMetrics metrics) {
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.audit = audit;
        this.metrics = metrics;
    }

    public Principal require(HttpServletRequest request, HttpServletResponse response, Scope scope) {
        String ip = request.getRemoteAddr();
        limit(limiter.checkAnonymous(ip), response);
        Principal principal;
        try {
            principal = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
        } catch (AuthenticationException e) {
            metrics.authFailure(e.reason());
            audit.record("auth.failed", null, ip, e.reason() + " " + request.getMethod() + " "
                    + ApiKeyFormat.redact(request.getRequestURI()));
            throw new ApiProblem(401, "Unauthorized", e.getMessage());
        }
        if (!principal.has(scope)) {
            metrics.authFailure("scope");
            audit.record("auth.forbidden", principal.keyId(), ip, "needs " + scope.wireName() + " "
                    + request.getMethod() + " " + ApiKeyFormat.redact(request.getRequestURI()));
            throw new ApiProblem(403, "Forbidden", "this key lacks the '" + scope.wireName() + "' scope");
        }
        limit(limiter.checkKey(principal.keyId()), response);
        return principal;
    }

    private void limit(RateLimiter.Decision decision, HttpServletResponse response) {
        decision.headers().forEach(response::setHeader);
        if (!decision.allowed()) {
            metrics.rateLimited(decision.scope());
            throw new ApiProblem(429, "Too Many Requests", "rate limit exceeded (" + decision.scope()
                    + "); retry after " + decision.retryAfterSeconds() + " s", null, Map.of(
                    HttpHeaders.RETRY_AFTER, String.valueOf(decision.retryAfterSeconds())));
        }
    }
}
