package dev.athena.workers.provider.vendor;

import dev.athena.schemas.json.Json;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.ProviderException;
import dev.athena.workers.provider.spi.RetriableProviderException;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Maps what went wrong on the wire to the provider contract's typed errors: what may be retried (with the
 * provider's own wait), what fails over, and what is the caller's fault.
 */
public final class HttpFailures {
    /** 429 error types and codes that mean money or quota, not pace: waiting does not help. */
    private static final Set<String> QUOTA = Set.of("insufficient_quota", "enforced_spend_limit_reached",
            "billing_hard_limit_reached", "billing_not_active", "quota_exceeded");

    private HttpFailures() {
    }

    public static ProviderException fromStatus(String provider, int status, HttpHeaders headers, byte[] body,
            InstantSource clock) {
        ErrorBody error = ErrorBody.read(body);
        String what = "HTTP " + status + (error.type == null ? "" : " " + error.type);
        return switch (status) {
            case 429 -> error.isQuota()
                    ? new FatalProviderException(provider, FatalProviderException.Kind.QUOTA_EXHAUSTED,
                            what + ": quota or spend limit exhausted")
                    : new RetriableProviderException(provider, RetriableProviderException.Kind.RATE_LIMITED, 429,
                            RateLimitHeaders.from(headers, clock).suggestedWait().orElse(null), what + ": rate limited",
                            null);
            case 529 -> new RetriableProviderException(provider, RetriableProviderException.Kind.OVERLOADED, 529,
                    RateLimitHeaders.from(headers, clock).retryAfter(), what + ": overloaded", null);
            case 408 -> new RetriableProviderException(provider, RetriableProviderException.Kind.TIMEOUT, 408, what);
            case 401, 403 -> new FatalProviderException(provider, FatalProviderException.Kind.AUTH,
                    what + ": the API key was refused");
            case 404 -> new FatalProviderException(provider, FatalProviderException.Kind.UNSUPPORTED,
                    what + ": unknown model or endpoint");
            default -> status >= 500
                    ? new RetriableProviderException(provider, status == 503
                            ? RetriableProviderException.Kind.OVERLOADED : RetriableProviderException.Kind.SERVER_ERROR,
                            status, RateLimitHeaders.from(headers, clock).retryAfter(), what + ": server error", null)
                    : new FatalProviderException(provider, FatalProviderException.Kind.INVALID_INPUT,
                            what + ": the request was refused");
        };
    }

    public static RetriableProviderException fromIo(String provider, IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return new RetriableProviderException(provider, RetriableProviderException.Kind.TIMEOUT, 0, null,
                    "connect timed out", e);
        }
        if (e instanceof HttpTimeoutException) {
            return new RetriableProviderException(provider, RetriableProviderException.Kind.TIMEOUT, 0, null,
                    "no response before the first-byte timeout", e);
        }
        if (e instanceof IdleTimeoutException) {
            return new RetriableProviderException(provider, RetriableProviderException.Kind.TIMEOUT, 0, null,
                    e.getMessage(), e);
        }
        return new RetriableProviderException(provider, RetriableProviderException.Kind.CONNECTION, 0, null,
                "connection failed: " + e.getClass().getSimpleName(), e);
    }

    /** An error event inside a 200 stream (Anthropic {@code event: error}, OpenAI {@code data: {"error":...}}). */
    public static ProviderException fromStreamError(String provider, JsonNode error) {
        String type = error.path("type").asString("");
        String code = error.path("code").asString("");
        if (type.equals("overloaded_error") || code.equals("server_is_overloaded") || type.equals("server_error")
                || type.equals("api_error")) {
            return new RetriableProviderException(provider, RetriableProviderException.Kind.OVERLOADED, 200,
                    "stream ended by " + (type.isEmpty() ? code : type));
        }
        if (type.equals("rate_limit_error") || code.equals("rate_limit_exceeded")) {
            return new RetriableProviderException(provider, RetriableProviderException.Kind.RATE_LIMITED, 200,
                    "stream ended by " + (type.isEmpty() ? code : type));
        }
        return new FatalProviderException(provider, FatalProviderException.Kind.CONTRACT,
                "stream ended by error " + (type.isEmpty() ? code : type));
    }

    private record ErrorBody(String type, String code) {
        boolean isQuota() {
            return type != null && QUOTA.contains(type) || code != null && QUOTA.contains(code);
        }

        static ErrorBody read(byte[] body) {
            try {
                JsonNode root = Json.tree(body == null ? "{}".getBytes(StandardCharsets.UTF_8) : body);
                JsonNode error = root.path("error");
                return new ErrorBody(text(error.path("type")), text(error.path("code")));
            } catch (RuntimeException e) {
                return new ErrorBody(null, null);
            }
        }

        private static String text(JsonNode node) {
            return node.isString() ? node.stringValue() : null;
        }
    }
}
