package dev.athena.ingest.client;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.AnalysisChunk;
import dev.athena.schemas.message.AnalysisRequest;
import dev.athena.schemas.message.AnalysisResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * Talks to the Athena gateway with an API key. Each submission runs on its own virtual thread: a POST (with the
 * request's id as {@code Idempotency-Key}, so a retried submission never becomes a second analysis), then either
 * long-polls for the result or follows its Server-Sent Events, resuming with {@code Last-Event-ID} after a
 * dropped connection. The gateway assigns the analysis id; the result carries it. {@link #cancel} takes the id the
 * request was submitted with, as the caller knows it.
 */
public final class HttpAthenaClient implements AthenaClient {
    private static final Duration LONG_POLL = Duration.ofSeconds(30);
    private static final int MAX_RECONNECTS = 5;

    private final HttpClient http;
    private final URI base;
    private final String apiKey;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("athena-http-client-", 0).factory());
    /** The gateway's id of each submission still waiting for its result, by the request id it was submitted with. */
    private final Map<String, CompletableFuture<String>> analysisIds = new ConcurrentHashMap<>();

    private HttpAthenaClient(URI base, String apiKey) {
        this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** @param base the gateway's root URL, e.g. {@code http://127.0.0.1:8080} */
    public static HttpAthenaClient connect(URI base, String apiKey) {
        return new HttpAthenaClient(base, apiKey);
    }

    @Override
    public CompletableFuture<AnalysisResult> submit(AnalysisRequest request) {
        CompletableFuture<String> id = track(request);
        return CompletableFuture.supplyAsync(() -> awaitResult(posted(request, id)), threads)
                .whenComplete((result, failure) -> analysisIds.remove(request.requestId(), id));
    }

    @Override
    public CompletableFuture<AnalysisResult> submit(AnalysisRequest request, Consumer<AnalysisChunk> onChunk) {
        CompletableFuture<String> id = track(request);
        return CompletableFuture.supplyAsync(() -> followEvents(posted(request, id), onChunk), threads)
                .whenComplete((result, failure) -> analysisIds.remove(request.requestId(), id));
    }

    /**
     * Asks the gateway to cancel a submission of this client that has no result yet. Its future then completes
     * with a {@code CANCELLED} result, unless a provider had already been asked (then with the answer).
     *
     * @param requestId the id of the {@link AnalysisRequest} as submitted
     * @return true once the cancellation is recorded; false when the analysis had ended meanwhile (its future
     *     completes with that result); completes exceptionally with {@link IllegalArgumentException} when no
     *     submission of this client under that id is waiting, or {@link GatewayException} when the gateway
     *     refuses
     */
    @Override
    public CompletableFuture<Boolean> cancel(String requestId) {
        CompletableFuture<String> id = analysisIds.get(requestId);
        if (id == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "no submission of this client under request id '" + requestId + "' is waiting for its result"));
        }
        return id.thenApplyAsync(this::delete, threads);
    }

    private boolean delete(String analysisId) {
        HttpResponse<byte[]> response = send(authorised("v1/analyses/" + analysisId).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return switch (response.statusCode()) {
            case 202 -> true;
            case 409 -> false;
            default -> throw new GatewayException(response.statusCode(), problemDetail(response.body()));
        };
    }

    private CompletableFuture<String> track(AnalysisRequest request) {
        CompletableFuture<String> id = new CompletableFuture<>();
        analysisIds.put(request.requestId(), id);
        return id;
    }

    private String posted(AnalysisRequest request, CompletableFuture<String> id) {
        try {
            String analysisId = post(request);
            id.complete(analysisId);
            return analysisId;
        } catch (RuntimeException e) {
            id.completeExceptionally(e);
            throw e;
        }
    }

    /** @return the analysis id the gateway assigned */
    private String post(AnalysisRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("analysisType", request.analysisType().wireName());
        body.put("code", request.code());
        putIfPresent(body, "language", request.language());
        putIfPresent(body, "path", request.path());
        putIfPresent(body, "provider", request.provider());
        putIfPresent(body, "model", request.model());
        putIfPresent(body, "deadline", request.deadline() == null ? null : request.deadline().toString());
        putIfPresent(body, "stream", request.stream());
        if (!request.options().isEmpty()) {
            body.put("options", request.options());
        }
        HttpRequest post = authorised("v1/analyses")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", request.requestId())
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(body)))
                .build();
        HttpResponse<byte[]> response = send(post, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 202) {
            throw new GatewayException(response.statusCode(), problemDetail(response.body()));
        }
        return Json.tree(response.body()).get("id").asString();
    }

    private AnalysisResult awaitResult(String id) {
        while (true) {
            HttpRequest get = authorised("v1/analyses/" + id + "?wait=" + LONG_POLL.toSeconds() + "s")
                    .timeout(LONG_POLL.plusSeconds(15)).GET().build();
            HttpResponse<byte[]> response = send(get, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                return Json.read(response.body(), AnalysisResult.class);
            }
            if (response.statusCode() == 429) {
                // the client has its most streams and long polls open on the gateway: one ends soon
                pause(retryAfter(response));
                continue;
            }
            if (response.statusCode() != 202) {
                throw new GatewayException(response.statusCode(), problemDetail(response.body()));
            }
        }
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        try {
            long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("1").strip());
            return Duration.ofSeconds(Math.clamp(seconds, 1, 60));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting to ask the gateway again", e);
        }
    }

    private AnalysisResult followEvents(String id, Consumer<AnalysisChunk> onChunk) {
        String lastEventId = null;
        for (int attempt = 0; attempt <= MAX_RECONNECTS; attempt++) {
            HttpRequest.Builder get = authorised("v1/analyses/" + id + "/events")
                    .header("Accept", "text/event-stream").timeout(Duration.ofMinutes(10));
            if (lastEventId != null) {
                get.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<Stream<String>> response = send(get.GET().build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() == 204 || response.statusCode() == 429) {
                return awaitResult(id);
            }
            if (response.statusCode() != 200) {
                throw new GatewayException(response.statusCode(), "events of " + id + " not available");
            }
            ServerSentEvents events = new ServerSentEvents();
            try (Stream<String> lines = response.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    ServerSentEvents.Event event = events.accept(line);
                    if (event == null) {
                        continue;
                    }
                    if ("result".equals(event.name())) {
                        return Json.read(event.data(), AnalysisResult.class);
                    }
                    if ("chunk".equals(event.name())) {
                        lastEventId = event.id();
                        onChunk.accept(Json.read(event.data(), AnalysisChunk.class));
                    }
                }
            } catch (UncheckedIOException e) {
                // the stream broke: reconnect and resume after the last chunk seen
            }
        }
        return awaitResult(id);
    }

    private HttpRequest.Builder authorised(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException("gateway at " + base + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to the gateway", e);
        }
    }

    private static String problemDetail(byte[] body) {
        try {
            JsonNode problem = Json.tree(body);
            return problem.has("detail") ? problem.get("detail").asString() : "";
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static void putIfPresent(Map<String, Object> body, String field, Object value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        http.close();
    }

    /** The gateway refused or failed a call; {@code status} is the HTTP status, the message its detail. */
    public static final class GatewayException extends RuntimeException {
        private final int status;

        GatewayException(int status, String detail) {
            super("gateway answered " + status + (detail.isEmpty() ? "" : ": " + detail));
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
