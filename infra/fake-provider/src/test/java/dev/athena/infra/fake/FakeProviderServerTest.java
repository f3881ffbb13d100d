package dev.athena.infra.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FakeProviderServerTest {
    private static HttpResponse<String> post(FakeProviderServer server, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String url, String method, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldCancelBatchesOfBothWires() throws Exception {
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)
                .batchPollsBeforeDone(100)) {
            String openAi = server.baseUrl(FakeProviderServer.Dialect.OPENAI);
            String file = send(openAi + "/files", "POST", "{\"custom_id\":\"a\",\"body\":{}}\n").body()
                    .replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            String batch = send(openAi + "/batches", "POST", "{\"input_file_id\":\"" + file + "\"}").body()
                    .replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            assertThat(send(openAi + "/batches/" + batch + "/cancel", "POST", null).body()).contains("cancelling");
            assertThat(send(openAi + "/batches/" + batch, "GET", null).body()).contains("\"cancelled\"")
                    .doesNotContain("output_file_id");

            String anthropic = server.baseUrl(FakeProviderServer.Dialect.ANTHROPIC) + "/v1/messages/batches";
            String message = send(anthropic, "POST", "{\"requests\":[{\"custom_id\":\"b\",\"params\":{}}]}").body()
                    .replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
            assertThat(send(anthropic + "/" + message + "/cancel", "POST", null).body()).contains("canceling");
            assertThat(send(anthropic + "/" + message, "GET", null).body()).contains("\"ended\"");
            assertThat(send(anthropic + "/" + message + "/results", "GET", null).body()).contains("\"canceled\"");

            assertThat(send(openAi + "/batches/batch_404/cancel", "POST", null).statusCode()).isEqualTo(404);
            assertThat(server.batchCancellations()).containsExactly(batch, message);
        }
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

    @Test
    void shouldSpeakBothWiresOnOnePortByPath() throws Exception {
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.ANTHROPIC)
                .answer("{\"findings\": []}")) {
            HttpResponse<String> claude = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl(FakeProviderServer.Dialect.ANTHROPIC) + "/v1/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> gpt = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(server.baseUrl(FakeProviderServer.Dialect.OPENAI) + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(claude.body()).contains("\"type\":\"message\"").contains("claude");
            assertThat(gpt.body()).contains("chat.completion").contains("choices");
        }
    }

    @Test
    void shouldAnswerFromTheResponderWhenNothingIsScripted() throws Exception {
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)
                .respond(r -> new Fault.Answer("echo " + r.body().length()))) {
            server.enqueue(new Fault.Status(503));
            assertThat(post(server, "/chat/completions", "{}").statusCode()).isEqualTo(503);
            assertThat(post(server, "/chat/completions", "{}").body()).contains("echo 2");
        }
    }

    @Test
    void shouldAnswerEveryIdOfAPackedPromptByDefault() throws Exception {
        try (FakeProviderServer server = FakeProviderServer.start(FakeProviderServer.Dialect.OPENAI)
                .answer("{\"findings\": [], \"summary\": \"clean\"}")) {
            String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"=== item ab12-1 ===\\nx\\n"
                    + "=== end item ab12-1 ===\\n=== item cd34-2 ===\\ny\\n=== end item cd34-2 ===\\n\"}]}";
            String answer = post(server, "/chat/completions", body).body();
            assertThat(answer).contains("\\\"id\\\":\\\"ab12-1\\\"", "\\\"id\\\":\\\"cd34-2\\\"", "clean");
            assertThat(post(server, "/chat/completions", "{}").body()).doesNotContain("items");
        }
    }

    @Test
    void shouldRunADemoScenarioFromItsOptions() throws Exception {
        try (FakeProviderServer server = FakeProviderMain.configure(
                FakeProviderMain.options(new String[] {"--port", "0", "--scenario", "529", "--rpm", "100"}))) {
            HttpResponse<String> overloaded = post(server, "/v1/messages", "{}");
            assertThat(overloaded.statusCode()).isEqualTo(529);
            assertThat(overloaded.body()).contains("overloaded_error");
        }
        try (FakeProviderServer server = FakeProviderMain.configure(Map.of("port", "0", "scenario", "truncated"))) {
            assertThatThrownBy(() -> post(server, "/v1/messages", "{}")).isInstanceOf(java.io.IOException.class);
        }
        assertThatThrownBy(() -> Scenario.parse("flaky")).hasMessageContaining("but was 'flaky'");
        assertThat(Scenario.parse("429")).isEqualTo(Scenario.RATE_LIMITED);
    }
}
