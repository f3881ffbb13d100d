package dev.athena.workers.provider.vendor.anthropic;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.json.JsonContractException;
import dev.athena.schemas.message.Usage;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Provider;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.vendor.FindingsParser;
import dev.athena.workers.provider.vendor.HttpExchange;
import dev.athena.workers.provider.vendor.HttpFailures;
import dev.athena.workers.provider.vendor.PackedPrompt;
import dev.athena.workers.provider.vendor.Prompt;
import dev.athena.workers.provider.vendor.SseReader;
import dev.athena.workers.provider.vendor.StreamText;
import dev.athena.workers.provider.vendor.VendorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Anthropic Messages API ({@code POST {base}/v1/messages}, {@code x-api-key}, {@code anthropic-version}),
 * non-streaming and SSE (message_start, content_block_*, message_delta, message_stop, ping, error). The
 * instructions go in a system block marked {@code cache_control: ephemeral}, so repeated calls read them from
 * the prompt cache; cache-read tokens are recorded and billed at their own price.
 */
public final class AnthropicProvider implements Provider, AutoCloseable {
    public static final String API_VERSION = "2023-06-01";

    private final VendorSettings settings;
    private final HttpExchange http;
    private final InstantSource clock;

    public AnthropicProvider(VendorSettings settings, InstantSource clock) {
        this(settings, clock, headers -> {
        });
    }

    /** {@code limits} hears the provider's rate-limit headers on every successful response. */
    public AnthropicProvider(VendorSettings settings, InstantSource clock,
            java.util.function.Consumer<dev.athena.workers.provider.vendor.RateLimitHeaders> limits) {
        this.settings = settings;
        this.clock = clock;
        this.http = new HttpExchange(settings, clock, limits);
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String defaultModel() {
        return settings.model();
    }

    @Override
    public ProviderAnswer analyse(ProviderCall call) {
        boolean stream = call.request().streaming();
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.resolve("/v1/messages"))
                .header("content-type", "application/json")
                .header("x-api-key", settings.apiKey() == null ? "" : settings.apiKey())
                .header("anthropic-version", API_VERSION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body(call, stream))));
        HttpExchange.Response response = http.send(request, Duration.between(clock.instant(), call.deadline()));
        try (InputStream body = response.body()) {
            return stream ? readStream(body, call) : readJson(body.readAllBytes(), call);
        } catch (IOException e) {
            throw HttpFailures.fromIo(name(), e);
        }
    }

    Map<String, Object> body(ProviderCall call, boolean stream) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", call.model());
        body.put("max_tokens", settings.maxOutputTokens());
        body.put("temperature", 0);
        body.put("system", List.of(Prompt.ordered("type", "text", "text", Prompt.INSTRUCTIONS,
                "cache_control", Prompt.ordered("type", "ephemeral"))));
        body.put("messages", List.of(Prompt.ordered("role", "user", "content", PackedPrompt.userMessage(call))));
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    ProviderAnswer readJson(byte[] bytes, ProviderCall call) {
        JsonNode root;
        try {
            root = Json.tree(bytes);
        } catch (JsonContractException e) {
            throw new FatalProviderException(name(), FatalProviderException.Kind.CONTRACT,
                    "the response was not JSON (" + bytes.length + " bytes)");
        }
        if (!root.path("content").isArray()) {
            throw new FatalProviderException(name(), FatalProviderException.Kind.CONTRACT,
                    "the response had no content blocks");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : root.path("content")) {
            if (block.path("type").asString("").equals("text")) {
                text.append(block.path("text").asString(""));
            }
        }
        JsonNode usage = root.path("usage");
        return answer(call, text.toString(), root.path("model").asString(call.model()), usage,
                usage.path("output_tokens").asLong(0));
    }

    private ProviderAnswer readStream(InputStream body, ProviderCall call) {
        StreamText text = new StreamText(name(), call.deltas());
        JsonNode startUsage = null;
        long outputTokens = 0;
        String model = call.model();
        try (SseReader sse = new SseReader(body)) {
            for (SseReader.Event event = sse.next(); event != null; event = sse.next()) {
                JsonNode data = Json.tree(event.data().getBytes(StandardCharsets.UTF_8));
                String type = event.event() != null ? event.event() : data.path("type").asString("");
                switch (type) {
                    case "message_start" -> {
                        startUsage = data.path("message").path("usage");
                        model = data.path("message").path("model").asString(model);
                    }
                    case "content_block_delta" -> {
                        JsonNode delta = data.path("delta");
                        if (delta.path("type").asString("").equals("text_delta")) {
                            text.append(delta.path("text").asString(""));
                        }
                    }
                    case "message_delta" -> outputTokens = data.path("usage").path("output_tokens").asLong(outputTokens);
                    case "message_stop" -> {
                        return answer(call, text.text(), model, startUsage, outputTokens);
                    }
                    case "error" -> throw text.broken(HttpFailures.fromStreamError(name(), data.path("error")));
                    default -> {
                        // ping, content_block_start, content_block_stop: nothing to keep
                    }
                }
            }
        } catch (IOException e) {
            throw text.broken(HttpFailures.fromIo(name(), e));
        } catch (JsonContractException e) {
            throw text.broken(new FatalProviderException(name(), FatalProviderException.Kind.CONTRACT,
                    "a stream event was not JSON"));
        }
        throw text.truncated();
    }

    private ProviderAnswer answer(ProviderCall call, String text, String model, JsonNode usage, long outputTokens) {
        long fresh = usage == null ? 0 : usage.path("input_tokens").asLong(0);
        long cacheRead = usage == null ? 0 : usage.path("cache_read_input_tokens").asLong(0);
        long cacheWrite = usage == null ? 0 : usage.path("cache_creation_input_tokens").asLong(0);
        // Anthropic counts cache reads and writes apart from input_tokens; our Usage counts them inside it
        Usage cost = settings.pricing().usage(fresh + cacheRead + cacheWrite, outputTokens, cacheRead);
        if (call.pack() != null) {
            return PackedPrompt.answer(name(), text, call.pack(), model, cost, settings.pricing());
        }
        FindingsParser.Parsed parsed = FindingsParser.parse(name(), text);
        return new ProviderAnswer(parsed.findings(), parsed.summary(), model, cost);
    }

    /** Closes the HTTP client: its connections and its thread. */
    @Override
    public void close() {
        http.close();
    }
}
