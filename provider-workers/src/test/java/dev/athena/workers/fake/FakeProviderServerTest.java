package dev.athena.workers.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class FakeProviderServerTest {
    private static HttpResponse<String> post(FakeProviderServer server, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldEnforceRequestsPerMinuteWithRealHeaders() throws Exception {
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)
                .limitRequestsPerMinute(2)) {
            assertThat(post(server, "/chat/completions", "{}").statusCode()).isEqualTo(200);
            assertThat(post(server, "/chat/completions", "{}").statusCode()).isEqualTo(200);
            HttpResponse<String> limited = post(server, "/chat/completions", "{}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
            assertThat(limited.headers().firstValue("retry-after")).contains("1");
            assertThat(limited.body()).contains("rate_limit_exceeded");
        }
    }

    @Test
    void shouldEnforceTokensPerMinuteAndSpeakAnthropicErrors() throws Exception {
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)
                .limitTokensPerMinute(100)) {
            String big = "{\"x\":\"" + "a".repeat(300) + "\"}";
            assertThat(post(server, "/v1/messages", big).statusCode()).isEqualTo(200);
            HttpResponse<String> limited = post(server, "/v1/messages", big);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("anthropic-ratelimit-requests-reset")).isPresent();
            assertThat(limited.body()).contains("rate_limit_error");
            server.enqueue(new Fault.Status(529));
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }
}
