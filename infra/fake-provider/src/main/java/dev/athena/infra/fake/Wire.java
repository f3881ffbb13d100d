package dev.athena.infra.fake;

import tools.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The two providers' wire shapes, as recorded in provider-workers' {@code fixtures/providers}. */
final class Wire {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final java.util.regex.Pattern PACKED_ID =
            java.util.regex.Pattern.compile("=== item ([A-Za-z0-9-]{1,40}) ===");

    enum End { COMPLETE, OVERLOADED, CUT }

    static final String MODEL_ANTHROPIC = "claude-sonnet-4-5";
    static final String MODEL_OPENAI = "gpt-4o-mini-2024-07-18";
    /** Cache-read tokens reported when a request marks its prefix cacheable. */
    static final int CACHED_PREFIX_TOKENS = 256;

    private Wire() {
    }

    /**
     * The model text for {@code request}: {@code answer} itself, or, when the prompt packs several files under
     * {@code === item <id> ===} markers (provider workers' packing), {@code {"items": [...]}} with one copy of
     * {@code answer} (a JSON object) per id, so that packed calls are answered in full by default.
     */
    static String forPrompt(String answer, FakeProviderServer.Recorded request) {
        java.util.regex.Matcher m = PACKED_ID.matcher(request.body());
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        while (m.find()) {
            ids.add(m.group(1));
        }
        if (ids.isEmpty()) {
            return answer;
        }
        Map<String, Object> body;
        try {
            body = JSON.readValue(answer, new tools.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (RuntimeException e) {
            return answer; // not an object: sent as it is, the caller will retry each file alone
        }
        List<Object> items = new ArrayList<>();
        for (String id : ids) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", id);
            item.putAll(body);
            items.add(item);
        }
        return json(Map.of("items", items));
    }

    static List<String> chunks(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 24) {
            out.add(text.substring(i, Math.min(text.length(), i + 24)));
        }
        return out;
    }

    static String message(FakeProviderServer.Dialect dialect, String text, FakeProviderServer.Recorded request) {
        long in = Math.max(1, request.body().length() / 4);
        long out = Math.max(1, text.length() / 4);
        if (dialect == FakeProviderServer.Dialect.ANTHROPIC) {
            return json(Map.of("id", "msg_fake", "type", "message", "role", "assistant", "model", MODEL_ANTHROPIC,
                    "content", List.of(Map.of("type", "text", "text", text)), "stop_reason", "end_turn",
                    "usage", anthropicUsage(in, out, request)));
        }
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", text);
        message.put("refusal", null);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("logprobs", null);
        choice.put("finish_reason", "stop");
        return json(Map.of("id", "chatcmpl-fake", "object", "chat.completion", "created", 1796033700,
                "model", MODEL_OPENAI, "choices", List.of(choice),
                "usage", Map.of("prompt_tokens", in, "completion_tokens", out, "total_tokens", in + out,
                        "prompt_tokens_details", Map.of("cached_tokens", 0))));
    }

    private static Map<String, Object> anthropicUsage(long in, long out, FakeProviderServer.Recorded request) {
        boolean cached = request.body().contains("cache_control");
        return Map.of("input_tokens", in, "cache_creation_input_tokens", 0,
                "cache_read_input_tokens", cached ? CACHED_PREFIX_TOKENS : 0, "output_tokens", out);
    }

    static String error(FakeProviderServer.Dialect dialect, int status, boolean quota) {
        if (dialect == FakeProviderServer.Dialect.ANTHROPIC) {
            String type = switch (status) {
                case 429 -> quota ? "enforced_spend_limit_reached" : "rate_limit_error";
                case 529 -> "overloaded_error";
                case 401 -> "authentication_error";
                case 400 -> "invalid_request_error";
                default -> "api_error";
            };
            return json(Map.of("type", "error", "error", Map.of("type", type, "message", type.replace('_', ' '))));
        }
        String code = switch (status) {
            case 429 -> quota ? "insufficient_quota" : "rate_limit_exceeded";
            case 503 -> "server_is_overloaded";
            case 401 -> "invalid_api_key";
            case 400 -> "invalid_request";
            default -> "server_error";
        };
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", code.replace('_', ' '));
        error.put("type", quota ? "insufficient_quota" : status == 429 ? "tokens" : "server_error");
        error.put("param", null);
        error.put("code", code);
        return json(Map.of("error", error));
    }

    static Map<String, String> rateLimitHeaders(FakeProviderServer.Dialect dialect, int retryAfter, Instant now) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        if (retryAfter > 0) {
            h.put("retry-after", String.valueOf(retryAfter));
        }
        if (dialect == FakeProviderServer.Dialect.ANTHROPIC) {
            String reset = now.plusSeconds(Math.max(1, retryAfter)).truncatedTo(ChronoUnit.SECONDS).toString();
            h.put("anthropic-ratelimit-requests-limit", "50");
            h.put("anthropic-ratelimit-requests-remaining", "0");
            h.put("anthropic-ratelimit-requests-reset", reset);
            h.put("anthropic-ratelimit-tokens-limit", "80000");
            h.put("anthropic-ratelimit-tokens-remaining", "12000");
            h.put("anthropic-ratelimit-tokens-reset", reset);
        } else {
            h.put("x-ratelimit-limit-requests", "500");
            h.put("x-ratelimit-remaining-requests", "0");
            h.put("x-ratelimit-reset-requests", Math.max(1, retryAfter) + "s");
            h.put("x-ratelimit-limit-tokens", "200000");
            h.put("x-ratelimit-remaining-tokens", "1520");
            h.put("x-ratelimit-reset-tokens", "6m0s");
        }
        return h;
    }

    static List<String> events(FakeProviderServer.Dialect dialect, List<String> deltas, End end,
            FakeProviderServer.Recorded request) {
        return dialect == FakeProviderServer.Dialect.ANTHROPIC ? anthropicEvents(deltas, end, request)
                : openAiEvents(deltas, end, request);
    }

    private static List<String> anthropicEvents(List<String> deltas, End end, FakeProviderServer.Recorded request) {
        List<String> out = new ArrayList<>();
        long in = Math.max(1, request.body().length() / 4);
        out.add(sse("message_start", Map.of("type", "message_start", "message", Map.of("id", "msg_fake", "type", "message",
                "role", "assistant", "model", MODEL_ANTHROPIC, "content", List.of(),
                "usage", anthropicUsage(in, 1, request)))));
        out.add(sse("content_block_start", Map.of("type", "content_block_start", "index", 0,
                "content_block", Map.of("type", "text", "text", ""))));
        out.add(sse("ping", Map.of("type", "ping")));
        int outTokens = 0;
        for (String d : deltas) {
            out.add(sse("content_block_delta", Map.of("type", "content_block_delta", "index", 0,
                    "delta", Map.of("type", "text_delta", "text", d))));
            outTokens += Math.max(1, d.length() / 4);
        }
        if (end == End.OVERLOADED) {
            out.add(sse("error", Map.of("type", "error", "error", Map.of("type", "overloaded_error", "message", "Overloaded"))));
            return out;
        }
        if (end == End.CUT) {
            return out;
        }
        out.add(sse("content_block_stop", Map.of("type", "content_block_stop", "index", 0)));
        out.add(sse("message_delta", Map.of("type", "message_delta", "delta", Map.of("stop_reason", "end_turn"),
                "usage", Map.of("output_tokens", outTokens))));
        out.add(sse("message_stop", Map.of("type", "message_stop")));
        return out;
    }

    private static List<String> openAiEvents(List<String> deltas, End end, FakeProviderServer.Recorded request) {
        List<String> out = new ArrayList<>();
        out.add(data(chunk(Map.of("role", "assistant", "content", ""), null)));
        int outTokens = 0;
        for (String d : deltas) {
            out.add(data(chunk(Map.of("content", d), null)));
            outTokens += Math.max(1, d.length() / 4);
        }
        if (end == End.OVERLOADED) {
            out.add(data(error(FakeProviderServer.Dialect.OPENAI, 503, false)));
            return out;
        }
        if (end == End.CUT) {
            return out;
        }
        out.add(data(chunk(Map.of(), "stop")));
        long in = Math.max(1, request.body().length() / 4);
        out.add(data(json(Map.of("id", "chatcmpl-fake", "object", "chat.completion.chunk", "model", MODEL_OPENAI,
                "choices", List.of(), "usage", Map.of("prompt_tokens", in, "completion_tokens", outTokens,
                        "total_tokens", in + outTokens)))));
        out.add("data: [DONE]\n\n");
        return out;
    }

    private static String chunk(Map<String, Object> delta, String finish) {
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finish);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", "chatcmpl-fake");
        c.put("object", "chat.completion.chunk");
        c.put("model", MODEL_OPENAI);
        c.put("choices", List.of(choice));
        c.put("usage", null);
        return json(c);
    }

    private static String sse(String event, Map<String, Object> data) {
        return "event: " + event + "\ndata: " + json(data) + "\n\n";
    }

    static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private static String data(String json) {
        return "data: " + json + "\n\n";
    }
}
