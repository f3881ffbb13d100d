package dev.athena.launcher;

import dev.athena.schemas.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's admin API as the command line uses it, authenticated with {@code ATHENA_ADMIN_KEY}. The key is
 * sent only in the Authorization header and never printed.
 */
final class AdminApi {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String adminKey;

    AdminApi(String url, String adminKey) {
        if (adminKey == null || adminKey.isBlank()) {
            throw new CommandLine.UsageException("set ATHENA_ADMIN_KEY to the gateway's admin key");
        }
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.adminKey = adminKey;
    }

    /** @return the new key's JSON, whose {@code key} field is shown only this once */
    JsonNode createKey(String clientId, String[] scopes) throws IOException, InterruptedException {
        return post("v1/admin/keys", Map.of("clientId", clientId, "scopes", scopes), 201);
    }

    JsonNode invalidate(String kind, String value) throws IOException, InterruptedException {
        return post("v1/admin/cache/invalidations", value == null ? Map.of("kind", kind)
                : Map.of("kind", kind, "value", value), 202);
    }

    /** @param query parameters left out when null */
    JsonNode usage(Map<String, String> query) throws IOException, InterruptedException {
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                parameters.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return send(HttpRequest.newBuilder(base.resolve("v1/admin/usage" + parameters)).GET(), 200);
    }

    private JsonNode post(String path, Object body, int expected) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(body))), expected);
    }

    private JsonNode send(HttpRequest.Builder builder, int expected) throws IOException, InterruptedException {
        HttpRequest request = builder.timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminKey)
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
            throw new IOException("no gateway at " + base + " (start one with ./athena up, or pass --url)", e);
        }
        JsonNode json = response.body().length == 0 ? null : Json.tree(response.body());
        if (response.statusCode() != expected) {
            String detail = json != null && json.has("detail") ? json.get("detail").asString() : "";
            throw new IOException("gateway answered " + response.statusCode() + (detail.isEmpty() ? "" : ": " + detail));
        }
        return json;
    }
}
