package dev.athena.workers.provider.vendor.openai;

import dev.athena.schemas.json.Json;
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
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI Chat Completions ({@code POST {base}/chat/completions}, Bearer key), and everything that speaks it:
 * DeepSeek, and local servers (Ollama, vLLM, llama.cpp) without a key. Non-streaming JSON, or SSE
 * {@code data:} chunks ending in {@code data: [DONE]} with usage in the last chunk ({@code stream_options}).
 * The system message is the fixed instructions, first and byte-identical, for automatic prefix caching.
 */
public final class OpenAiCompatibleProvider implements Provider, AutoCloseable {
    private final VendorSettings settings;
    private final HttpExchange http;
    private final InstantSource clock;

    public OpenAiCompatibleProvider(VendorSettings settings, InstantSource clock) {
        this(settings, clock, headers -> {
        });
    }

    /** {@code limits} hears the provider's rate-limit headers on every successful response. */
    public OpenAiCompatibleProvider(VendorSettings settings, InstantSource clock,
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

    /** OpenAI's; DeepSeek and local servers do not count a completion before it is written. */
    @Override
    public long reservedOutputTokens() {
        return name().equals("openai") ? settings.maxOutputTokens() : 0;
    }

    @Override
    public ProviderAnswer analyse(ProviderCall call) {
        boolean stream = call.request().streaming();
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.resolve("/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body(call, stream))));
        if (settings.apiKey() != null) {
            request.header("authorization", "Bearer " + settings.apiKey());
        }
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
        body.put("messages", List.of(
                Prompt.ordered("role", "system", "content", Prompt.INSTRUCTIONS),
                Prompt.ordered("role", "user", "content", PackedPrompt.userMessage(call))));
        body.put("temperature", 0);
        // OpenAI's newer models refuse max_tokens; compatible servers mostly know only max_tokens
        body.put(name().equals("openai") ? "max_completion_tokens" : "max_tokens", settings.maxOutputTokens());
        if (!name().equals("local")) {
            body.put("response_format", Prompt.ordered("type", "json_object"));
        }
        if (stream) {
            body.put("stream", true);
            body.put("stream_options", Prompt.ordered("include_usage", true));
        }
        return body;
    }

    ProviderAnswer readJson(byte[] bytes, ProviderCall call) {
        JsonNode root;
        try {
            root = Json.tree(bytes);
        } catch (RuntimeException e) {
            throw new FatalProviderException(name(), FatalProviderException.Kind.CONTRACT,
                    "the response was not JSON (" + bytes.length + " bytes)");
        }
        JsonNode content = root.path("choices").path(0).path("message").path("content");
        if (!content.isString()) {
            throw new FatalProviderException(name(), FatalProviderException.Kind.CONTRACT,
                    "the response had no choices[0].message.content");
        }
        return answer(call, content.stringValue(), root.path("model").asString(call.model()), root.path("usage"));
    }

    private ProviderAnswer readStream(InputStream body, ProviderCall call) throws IOException {
        StreamText text = new StreamText(name(), call.deltas());
        JsonNode usage = null;
        String model = call.model();
        try (SseReader sse = new SseReader(body)) {
            for (SseReader.Event event = sse.next(); event != null; event = sse.next()) {
                if (event.data().strip().equals("[DONE]")) {
                    return answer(call, text.text(), model, usage);
                }
                JsonNode chunk = Json.tree(event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (chunk.has("error")) {
                    throw text.broken(HttpFailures.fromStreamError(name(), chunk.get("error")));
                }
                model = chunk.path("model").asString(model);
                JsonNode delta = chunk.path("choices").path(0).path("delta").path("content");
                if (delta.isString()) {
                    text.append(delta.stringValue());
                }
                if (chunk.path("usage").isObject()) {
                    usage = chunk.get("usage");
                }
            }
        } catch (IOException e) {
            throw text.broken(HttpFailures.fromIo(name(), e));
        } catch (dev.athena.schemas.json.JsonContractException e) {
            throw text.broken(new FatalProviderException(name(), FatalProviderException.Kind.CONTRACT,
                    "a stream chunk was not JSON"));
        }
        throw text.truncated();
    }

    private ProviderAnswer answer(ProviderCall call, String text, String model, JsonNode usage) {
        long in = usage == null ? 0 : usage.path("prompt_tokens").asLong(0);
        long out = usage == null ? 0 : usage.path("completion_tokens").asLong(0);
        long cached = usage == null ? 0 : usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        Usage cost = settings.pricing().usage(in, out, Math.min(cached, in));
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
