package dev.athena.workers.provider.vendor.anthropic;

import dev.athena.schemas.json.Json;
import dev.athena.workers.provider.spi.BatchApi;
import dev.athena.workers.provider.spi.BatchGuard;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.vendor.BatchHttp;
import dev.athena.workers.provider.vendor.HttpExchange;
import dev.athena.workers.provider.vendor.Prompt;
import dev.athena.workers.provider.vendor.VendorSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Anthropic Message Batches: the requests go inline ({@code POST /v1/messages/batches}, each a custom id and
 * the Messages parameters), the batch is polled ({@code GET /v1/messages/batches/{id}}) until its
 * {@code processing_status} is {@code ended}, then its {@code results_url} is read: JSONL, one line per request
 * with a result of type succeeded (with the message), errored, canceled or expired; a batch in which every
 * request was canceled or expired counts as failed as a whole, like OpenAI's cancelled batch. Cancelling is
 * {@code POST /v1/messages/batches/{id}/cancel}.
 */
public final class AnthropicBatchApi implements BatchApi, AutoCloseable {
    private final AnthropicProvider provider;
    private final VendorSettings settings;
    private final BatchHttp http;

    /** {@code guard}: the provider's own guards, which every exchange of this API passes. */
    public AnthropicBatchApi(VendorSettings settings, InstantSource clock, BatchGuard guard) {
        this.provider = new AnthropicProvider(settings, clock);
        this.settings = settings;
        this.http = new BatchHttp(settings.name(), new HttpExchange(settings, clock), guard);
    }

    @Override
    public String submit(List<Call> calls) {
        List<Object> requests = new ArrayList<>();
        for (Call c : calls) {
            requests.add(Prompt.ordered("custom_id", c.customId(), "params", provider.body(c.call(), false)));
        }
        JsonNode batch = http.json(request(settings.resolve("/v1/messages/batches"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(Prompt.ordered("requests", requests)))));
        String id = batch.path("id").asString("");
        if (id.isEmpty()) {
            throw new FatalProviderException(settings.name(), FatalProviderException.Kind.CONTRACT,
                    "the batch API's response had no id");
        }
        return id;
    }

    @Override
    public Status poll(String providerBatchId, Map<String, ProviderCall> calls) {
        JsonNode batch = http.json(request(settings.resolve("/v1/messages/batches/" + providerBatchId)).GET());
        String status = batch.path("processing_status").asString("");
        if (!status.equals("ended")) {
            return new Status.Pending(status);
        }
        String results = batch.path("results_url").asString("");
        if (results.isEmpty()) {
            return new Status.Failed("the provider batch ended without results");
        }
        Map<String, Outcome> outcomes = new HashMap<>();
        int unprocessed = 0;
        for (JsonNode line : http.jsonLines(request(URI.create(results)).GET())) {
            String id = line.path("custom_id").asString("");
            ProviderCall call = calls.get(id);
            if (call == null) {
                continue;
            }
            JsonNode result = line.path("result");
            String type = result.path("type").asString("");
            if (type.equals("canceled") || type.equals("expired")) {
                unprocessed++;
            }
            if (!type.equals("succeeded")) {
                outcomes.put(id, new Outcome.Errored(settings.name() + ": the batch request " + type
                        + (result.path("error").isObject() ? " (" + result.path("error").path("type").asString("error")
                                + ")" : "")));
                continue;
            }
            try {
                outcomes.put(id, new Outcome.Answered(provider.readJson(Json.write(result.path("message")), call)));
            } catch (FatalProviderException e) {
                outcomes.put(id, new Outcome.Errored(e.getMessage()));
            }
        }
        if (unprocessed > 0 && unprocessed == outcomes.size()) {
            // nothing in it was processed: as OpenAI reports a cancelled or expired batch, so it is run again
            return new Status.Failed("every request of the provider batch was canceled or expired");
        }
        return new Status.Done(outcomes);
    }

    @Override
    public void cancel(String providerBatchId) {
        http.json(request(settings.resolve("/v1/messages/batches/" + providerBatchId + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header("x-api-key", settings.apiKey() == null ? "" : settings.apiKey())
                .header("anthropic-version", AnthropicProvider.API_VERSION);
    }

    /** Closes the HTTP clients (the adapter that writes the request bodies has one too): connections and threads. */
    @Override
    public void close() {
        http.close();
        provider.close();
    }
}
