package dev.athena.ingest.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny HTTP client for tests: real requests over loopback. */
final class GatewayClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    GatewayClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path, String key) {
        return send(builder(path, key).GET().build());
    }

    HttpResponse<String> post(String path, String key, String body, String... headers) {
        HttpRequest.Builder b = builder(path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** Submits the usual security analysis with {@code key}; returns the id the gateway accepted it under. */
    String submit(String key) {
        HttpResponse<String> response = post("/v1/analyses", key, GatewayIT.analysis("security"));
        org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return dev.athena.schemas.json.Json.tree(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .get("id").stringValue();
    }

    HttpResponse<String> delete(String path, String key) {
        return send(builder(path, key).DELETE().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder builder(String path, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }
}
