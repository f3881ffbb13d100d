package dev.athena.workers.provider.vendor;

import dev.athena.schemas.json.Json;
import dev.athena.workers.provider.spi.BatchGuard;
import dev.athena.workers.provider.spi.FatalProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The plain request/response exchanges a batch API needs: JSON in, JSON or JSONL out, typed errors. Every exchange
 * (each upload, create, status poll, results download and cancel) goes through the provider's {@link BatchGuard}
 * on its own, so each one is a request against the provider's budget and a call its breaker sees.
 */
public final class BatchHttp implements AutoCloseable {
    /** A batch-API call is short: it never waits for a model. */
    private static final Duration CALL_TIME = Duration.ofSeconds(60);

    private final String provider;
    private final HttpExchange http;
    private final BatchGuard guard;

    public BatchHttp(String provider, HttpExchange http, BatchGuard guard) {
        this.provider = provider;
        this.http = http;
        this.guard = guard;
    }

    public byte[] bytes(HttpRequest.Builder request) {
        // the body is read inside the guard: a slow download holds its bulkhead slot and counts as a slow call
        return guard.exchange(() -> {
            HttpExchange.Response response = http.send(request, CALL_TIME);
            try (InputStream body = response.body()) {
                return body.readAllBytes();
            } catch (IOException e) {
                throw HttpFailures.fromIo(provider, e);
            }
        });
    }

    public JsonNode json(HttpRequest.Builder request) {
        byte[] bytes = bytes(request);
        try {
            return Json.tree(bytes);
        } catch (RuntimeException e) {
            throw new FatalProviderException(provider, FatalProviderException.Kind.CONTRACT,
                    "the batch API's response was not JSON (" + bytes.length + " bytes)");
        }
    }

    /** One JSON object per non-blank line. */
    public List<JsonNode> jsonLines(HttpRequest.Builder request) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(bytes(request), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    lines.add(Json.tree(line.getBytes(StandardCharsets.UTF_8)));
                } catch (RuntimeException e) {
                    throw new FatalProviderException(provider, FatalProviderException.Kind.CONTRACT,
                            "a batch result line was not JSON (" + line.length() + " characters)");
                }
            }
        }
        return lines;
    }

    @Override
    public void close() {
        http.close();
    }
}
