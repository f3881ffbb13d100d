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
import java.util.Collections;
import java.util.LinkedHashMap;
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

    /**
     * @param expiresIn a duration such as {@code 90d}, or null for a key that does not expire
     * @return the new key's JSON, whose {@code key} field is shown only this once
     */
    JsonNode createKey(String clientId, String[] scopes, String expiresIn) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("clientId", clientId, "scopes", scopes));
        if (expiresIn != null) {
            body.put("expiresIn", expiresIn);
        }
        return post("v1/admin/keys", body, 201);
    }

    /** @param clientId null: every client's keys */
    JsonNode listKeys(String clientId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("v1/admin/keys"
                + query(Collections.singletonMap("clientId", clientId)))).GET(), 200);
    }

    void revokeKey(String keyId) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(base.resolve("v1/admin/keys/" + keyId)).DELETE(), 204);
    }

    /**
     * @param grace how long the old key keeps working, or null for the gateway's default
     * @param expiresIn the new key's lifetime, or null for a key that does not expire
     * @return the new key's JSON ({@code key} shown only this once) with the old one under {@code replaces}
     */
    JsonNode rotateKey(String keyId, String grace, String expiresIn) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        if (grace != null) {
            body.put("grace", grace);
        }
        if (expiresIn != null) {
            body.put("expiresIn", expiresIn);
        }
        return post("v1/admin/keys/" + keyId + "/rotation", body, 201);
    }

    JsonNode invalidate(String kind, String value) throws IOException, InterruptedException {
        return post("v1/admin/cache/invalidations", value == null ? Map.of("kind", kind)
                : Map.of("kind", kind, "value", value), 202);
    }

    JsonNode providers() throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("v1/admin/providers")).GET(), 200);
    }

    /** @param limit the most recent entries to read, 1 to 1,000 */
    JsonNode audit(int limit) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("v1/admin/audit?limit=" + limit)).GET(), 200);
    }

    /** @param query parameters left out when null */
    JsonNode usage(Map<String, String> query) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("v1/admin/usage" + query(query))).GET(), 200);
    }

    private static String query(Map<String, String> query) {
        StringJoiner parameters = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                parameters.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        });
        return parameters.toString();
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
            // a 401 here is nearly always two admin keys: this shell's and the one the gateway started with
            String hint = response.statusCode() == 401 ? "; the gateway at " + base + " takes the ATHENA_ADMIN_KEY it "
                    + "was started with (./athena up reads it from its environment), which is not this one" : "";
            throw new IOException("gateway answered " + response.statusCode() + (detail.isEmpty() ? "" : ": " + detail)
                    + hint);
        }
        return json;
    }
}
