package dev.athena.workers.provider.vendor.openai;

import dev.athena.schemas.json.Json;
import dev.athena.workers.provider.spi.BatchApi;
import dev.athena.workers.provider.spi.BatchGuard;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.ProviderCall;
import dev.athena.workers.provider.vendor.BatchHttp;
import dev.athena.workers.provider.vendor.HttpExchange;
import dev.athena.workers.provider.vendor.Prompt;
import dev.athena.workers.provider.vendor.VendorSettings;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAI Batch API: the requests go up as one JSONL file ({@code POST /files}, purpose {@code batch}), a batch
 * is created on it ({@code POST /batches}, 24 h window), polled ({@code GET /batches/{id}}), and once
 * {@code completed} its output file is read back ({@code GET /files/{output_file_id}/content}); each line carries
 * the request's {@code custom_id} and the Chat Completions response. Cancelling is
 * {@code POST /batches/{id}/cancel}.
 */
public final class OpenAiBatchApi implements BatchApi, AutoCloseable {
    private final OpenAiCompatibleProvider provider;
    private final VendorSettings settings;
    private final BatchHttp http;

    /** {@code guard}: the provider's own guards, which every exchange of this API passes. */
    public OpenAiBatchApi(VendorSettings settings, InstantSource clock, BatchGuard guard) {
        this.provider = new OpenAiCompatibleProvider(settings, clock);
        this.settings = settings;
        this.http = new BatchHttp(settings.name(), new HttpExchange(settings, clock), guard);
    }

    @Override
    public String submit(List<Call> calls) {
        StringBuilder jsonl = new StringBuilder();
        for (Call c : calls) {
            jsonl.append(new String(Json.write(Prompt.ordered("custom_id", c.customId(), "method", "POST",
                    "url", "/v1/chat/completions", "body", provider.body(c.call(), false))), StandardCharsets.UTF_8))
                    .append('\n');
        }
        String boundary = "athena-" + UUID.randomUUID();
        ByteArrayOutputStream form = new ByteArrayOutputStream();
        form.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"athena-batch.jsonl\""
                + "\r\nContent-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        form.writeBytes(jsonl.toString().getBytes(StandardCharsets.UTF_8));
        form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode file = http.json(request("/files").header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray())));
        String fileId = required(file, "id");
        JsonNode batch = http.json(request("/batches").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(Prompt.ordered("input_file_id", fileId,
                        "endpoint", "/v1/chat/completions", "completion_window", "24h")))));
        return required(batch, "id");
    }

    @Override
    public Status poll(String providerBatchId, Map<String, ProviderCall> calls) {
        JsonNode batch = http.json(request("/batches/" + providerBatchId).GET());
        String status = batch.path("status").asString("");
        switch (status) {
            case "completed" -> {
                // a batch whose every request failed has no output file, only an error file: all are missing
                String output = batch.path("output_file_id").asString("");
                return new Status.Done(output.isEmpty() ? Map.of() : outcomes(output, calls));
            }
            case "failed", "expired", "cancelled", "cancelling" -> {
                return new Status.Failed("the provider batch ended " + status);
            }
            default -> {
                return new Status.Pending(status);
            }
        }
    }

    @Override
    public void cancel(String providerBatchId) {
        http.json(request("/batches/" + providerBatchId + "/cancel").POST(HttpRequest.BodyPublishers.noBody()));
    }

    private Map<String, Outcome> outcomes(String outputFileId, Map<String, ProviderCall> calls) {
        Map<String, Outcome> outcomes = new HashMap<>();
        for (JsonNode line : http.jsonLines(request("/files/" + outputFileId + "/content").GET())) {
            String id = line.path("custom_id").asString("");
            ProviderCall call = calls.get(id);
            if (call == null) {
                continue;
            }
            JsonNode response = line.path("response");
            int code = response.path("status_code").asInt(0);
            if (code / 100 != 2 || !line.path("error").isNull() && !line.path("error").isMissingNode()) {
                outcomes.put(id, new Outcome.Errored(settings.name() + ": the batch request failed with status "
                        + code + " (" + response.path("body").path("error").path("type").asString(
                                line.path("error").path("code").asString("error")) + ")"));
                continue;
            }
            try {
                outcomes.put(id, new Outcome.Answered(provider.readJson(Json.write(response.path("body")), call)));
            } catch (FatalProviderException e) {
                outcomes.put(id, new Outcome.Errored(e.getMessage()));
            }
        }
        return outcomes;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.resolve(path));
        if (settings.apiKey() != null) {
            request.header("authorization", "Bearer " + settings.apiKey());
        }
        return request;
    }

    private String required(JsonNode node, String field) {
        String value = node.path(field).asString("");
        if (value.isEmpty()) {
            throw new FatalProviderException(settings.name(), FatalProviderException.Kind.CONTRACT,
                    "the batch API's response had no " + field);
        }
        return value;
    }

    /** Closes the HTTP clients (the adapter that writes the request bodies has one too): connections and threads. */
    @Override
    public void close() {
        http.close();
        provider.close();
    }
}
