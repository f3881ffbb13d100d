package dev.athena.infra.fake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The providers' batch APIs, answered from memory: OpenAI Batch (upload a JSONL file, create a batch, poll it,
 * download the output file) and Anthropic Message Batches (create inline, poll, download the results). A batch
 * reports in progress for the configured number of polls, then done; every request in it gets the server's
 * answer as its model reply. A custom id listed in {@link #failIds} gets an error result instead. A batch can be
 * cancelled (OpenAI {@code POST /v1/batches/{id}/cancel}, Anthropic {@code POST /v1/messages/batches/{id}/cancel}):
 * OpenAI's then reports {@code cancelled} without an output file, Anthropic's ends with every result
 * {@code canceled}.
 */
final class BatchEndpoints {
    /** A status or content response: HTTP status and JSON (or JSONL) body. */
    record Reply(int status, String body) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, String> files = new ConcurrentHashMap<>();
    private final Map<String, List<String>> batchIds = new ConcurrentHashMap<>(); // batch id -> custom ids
    private final Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
    private final AtomicInteger submissions = new AtomicInteger();
    private final List<String> cancelled = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    final java.util.Set<String> failIds = ConcurrentHashMap.newKeySet();
    volatile int pollsBeforeDone = 1;

    int submissions() {
        return submissions.get();
    }

    List<String> cancellations() {
        return List.copyOf(cancelled);
    }

    /** The reply for a batch-API path, or null when the path is not one. */
    Reply handle(FakeProviderServer.Recorded request, String answer) {
        String path = request.path();
        String method = request.method();
        if (method.equals("POST") && path.equals("/v1/files")) {
            String id = "file-" + ids.incrementAndGet();
            files.put(id, jsonl(request.body()));
            return new Reply(200, Wire.json(Map.of("id", id, "object", "file", "purpose", "batch")));
        }
        if (method.equals("POST") && path.equals("/v1/batches")) {
            String input = files.get(JSON.readTree(request.body()).path("input_file_id").asString(""));
            if (input == null) {
                return new Reply(404, "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no such file\"}}");
            }
            List<String> custom = new ArrayList<>();
            for (String line : input.split("\n")) {
                if (!line.isBlank()) {
                    custom.add(JSON.readTree(line).path("custom_id").asString());
                }
            }
            String id = "batch_" + ids.incrementAndGet();
            submit(id, custom);
            return new Reply(200, Wire.json(Map.of("id", id, "object", "batch", "status", "validating")));
        }
        if (method.equals("POST") && path.startsWith("/v1/batches/") && path.endsWith("/cancel")) {
            String id = path.substring("/v1/batches/".length(), path.length() - "/cancel".length());
            if (!cancel(id)) {
                return new Reply(404, "{\"error\":{\"message\":\"no such batch\"}}");
            }
            return new Reply(200, Wire.json(Map.of("id", id, "object", "batch", "status", "cancelling")));
        }
        if (method.equals("GET") && path.startsWith("/v1/batches/")) {
            String id = path.substring("/v1/batches/".length());
            if (!batchIds.containsKey(id)) {
                return new Reply(404, "{\"error\":{\"message\":\"no such batch\"}}");
            }
            boolean done = polls.get(id).incrementAndGet() > pollsBeforeDone;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("status", cancelled.contains(id) ? "cancelled" : done ? "completed" : "in_progress");
            if (done && !cancelled.contains(id)) {
                body.put("output_file_id", "out-" + id);
            }
            return new Reply(200, Wire.json(body));
        }
        if (method.equals("GET") && path.startsWith("/v1/files/out-") && path.endsWith("/content")) {
            String id = path.substring("/v1/files/out-".length(), path.length() - "/content".length());
            StringBuilder out = new StringBuilder();
            for (String custom : batchIds.getOrDefault(id, List.of())) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("custom_id", custom);
                if (failIds.contains(custom)) {
                    line.put("response", Map.of("status_code", 400, "body",
                            Map.of("error", Map.of("message", "invalid request"))));
                } else {
                    line.put("response", Map.of("status_code", 200, "body", JSON.readTree(
                            Wire.message(FakeProviderServer.Dialect.OPENAI, answer, request))));
                }
                out.append(Wire.json(line)).append('\n');
            }
            return new Reply(200, out.toString());
        }
        if (method.equals("POST") && path.equals("/v1/messages/batches")) {
            List<String> custom = new ArrayList<>();
            for (JsonNode r : JSON.readTree(request.body()).path("requests")) {
                custom.add(r.path("custom_id").asString());
            }
            String id = "msgbatch_" + ids.incrementAndGet();
            submit(id, custom);
            return new Reply(200, Wire.json(Map.of("id", id, "type", "message_batch", "processing_status",
                    "in_progress")));
        }
        if (method.equals("POST") && path.startsWith("/v1/messages/batches/") && path.endsWith("/cancel")) {
            String id = path.substring("/v1/messages/batches/".length(), path.length() - "/cancel".length());
            if (!cancel(id)) {
                return new Reply(404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\"}}");
            }
            return new Reply(200, Wire.json(Map.of("id", id, "type", "message_batch", "processing_status",
                    "canceling")));
        }
        if (method.equals("GET") && path.startsWith("/v1/messages/batches/") && path.endsWith("/results")) {
            String id = path.substring("/v1/messages/batches/".length(), path.length() - "/results".length());
            StringBuilder out = new StringBuilder();
            for (String custom : batchIds.getOrDefault(id, List.of())) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("custom_id", custom);
                if (cancelled.contains(id)) {
                    line.put("result", Map.of("type", "canceled"));
                } else if (failIds.contains(custom)) {
                    line.put("result", Map.of("type", "errored", "error",
                            Map.of("type", "invalid_request_error", "message", "invalid request")));
                } else {
                    line.put("result", Map.of("type", "succeeded", "message", JSON.readTree(
                            Wire.message(FakeProviderServer.Dialect.ANTHROPIC, answer, request))));
                }
                out.append(Wire.json(line)).append('\n');
            }
            return new Reply(200, out.toString());
        }
        if (method.equals("GET") && path.startsWith("/v1/messages/batches/")) {
            String id = path.substring("/v1/messages/batches/".length());
            if (!batchIds.containsKey(id)) {
                return new Reply(404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\"}}");
            }
            boolean done = polls.get(id).incrementAndGet() > pollsBeforeDone || cancelled.contains(id);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            body.put("type", "message_batch");
            body.put("processing_status", done ? "ended" : "in_progress");
            if (done) {
                String host = request.headers().getOrDefault("host", "127.0.0.1");
                body.put("results_url", "http://" + host + "/v1/messages/batches/" + id + "/results");
            }
            return new Reply(200, Wire.json(body));
        }
        return null;
    }

    /** False when there is no such batch; cancelling twice is allowed, as the providers allow it. */
    private synchronized boolean cancel(String id) {
        if (!batchIds.containsKey(id)) {
            return false;
        }
        if (!cancelled.contains(id)) {
            cancelled.add(id);
        }
        return true;
    }

    private void submit(String id, List<String> custom) {
        batchIds.put(id, List.copyOf(custom));
        polls.put(id, new AtomicInteger());
        submissions.incrementAndGet();
    }

    /** The JSONL lines of an upload: the multipart part's content, or the whole body when it is not multipart. */
    private static String jsonl(String body) {
        StringBuilder out = new StringBuilder();
        for (String line : body.split("\r?\n")) {
            if (line.startsWith("{") && line.contains("\"custom_id\"")) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
