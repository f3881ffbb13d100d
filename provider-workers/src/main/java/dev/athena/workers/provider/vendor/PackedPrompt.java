package dev.athena.workers.provider.vendor;

import dev.athena.schemas.json.Json;
import dev.athena.schemas.message.Finding;
import dev.athena.schemas.message.Usage;
import dev.athena.workers.provider.spi.FatalProviderException;
import dev.athena.workers.provider.spi.Pack;
import dev.athena.workers.provider.spi.ProviderAnswer;
import dev.athena.workers.provider.spi.ProviderCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The words of a packed call and how its answer is split back. The system instructions stay the fixed,
 * cacheable prefix; the user message starts with how to answer several files, then each file between markers
 * naming its id. The answer is trusted per id only: a section is given to an item only when exactly one section
 * carries that item's id, it is well formed, and every finding's line exists in that item's file. Anything else
 * (an id missing, repeated or unknown, a malformed section, a line beyond the file) leaves the item out of
 * {@link ProviderAnswer#parts()}, so the caller retries it on its own: findings never move between items.
 */
public final class PackedPrompt {
    static final String HEADER = """
            Several files follow, each between "=== item <id> ===" and "=== end item <id> ===". Analyse each file
            on its own: a finding belongs only to the file it was found in, and its line is a line of that file.
            Answer with JSON only, exactly one entry per id, in this shape:
            {"items": [{"id": "<id>", "findings": [<findings as described>], "summary": "<one sentence>"}]}
            """;
    private static final Pattern FENCE = Pattern.compile("```[a-zA-Z]*\\s*\\n?(.*?)```", Pattern.DOTALL);

    private PackedPrompt() {
    }

    /** The user message of {@code call}: one request's, or the pack's when the call is packed. */
    public static String userMessage(ProviderCall call) {
        return call.pack() == null ? Prompt.userMessage(call.request()) : userMessage(call.pack());
    }

    public static String userMessage(Pack pack) {
        StringBuilder sb = new StringBuilder(HEADER);
        for (Pack.Item item : pack.items()) {
            sb.append("\n=== item ").append(item.id()).append(" ===\n")
                    .append(Prompt.userMessage(item.request()))
                    .append("=== end item ").append(item.id()).append(" ===\n");
        }
        return sb.toString();
    }

    /**
     * The answer to a packed call: no findings of its own, {@code total} usage, and one part per item the text
     * answers unambiguously, with its share of the usage (input by the size of its file in the prompt, output
     * by the size of its section; the parts add up to the whole call).
     *
     * @throws FatalProviderException (contract) when the text holds no list of items at all
     */
    public static ProviderAnswer answer(String provider, String text, Pack pack, String model, Usage total,
            Pricing pricing) {
        Map<String, List<JsonNode>> sections = sections(provider, text);
        Map<String, ProviderAnswer> parsed = new LinkedHashMap<>();
        Map<String, Long> outWeights = new HashMap<>();
        for (Pack.Item item : pack.items()) {
            List<JsonNode> mine = sections.getOrDefault(item.id(), List.of());
            if (mine.size() != 1) {
                continue; // missing or repeated: ambiguous
            }
            ProviderAnswer section = section(provider, mine.getFirst(), item, model);
            if (section != null) {
                parsed.put(item.id(), section);
                outWeights.put(item.id(), (long) mine.getFirst().toString().length());
            }
        }
        Map<String, ProviderAnswer> parts = withUsage(pack, parsed, outWeights, total, pricing);
        return new ProviderAnswer(List.of(), "packed: " + parts.size() + " of " + pack.items().size() + " answered",
                model, total, parts);
    }

    private static Map<String, List<JsonNode>> sections(String provider, String text) {
        if (text != null) {
            List<String> candidates = new ArrayList<>();
            Matcher fence = FENCE.matcher(text);
            while (fence.find()) {
                candidates.add(fence.group(1));
            }
            int start = text.indexOf('{');
            int end = text.lastIndexOf('}');
            if (start >= 0 && end > start) {
                candidates.add(text.substring(start, end + 1));
            }
            for (String candidate : candidates) {
                JsonNode items = items(candidate.strip());
                if (items != null) {
                    Map<String, List<JsonNode>> byId = new HashMap<>();
                    for (JsonNode node : items) {
                        JsonNode id = node.isObject() ? node.get("id") : null;
                        if (id != null && id.isString()) {
                            byId.computeIfAbsent(id.stringValue().strip(), k -> new ArrayList<>()).add(node);
                        }
                    }
                    return byId;
                }
            }
        }
        throw new FatalProviderException(provider, FatalProviderException.Kind.CONTRACT,
                "the packed answer held no readable list of items (" + (text == null ? 0 : text.length())
                        + " characters)");
    }

    private static JsonNode items(String json) {
        try {
            JsonNode root = Json.tree(json.getBytes(StandardCharsets.UTF_8));
            return root.isObject() && root.path("items").isArray() ? root.get("items") : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The item's own answer, or null when its section cannot be trusted. */
    private static ProviderAnswer section(String provider, JsonNode node, Pack.Item item, String model) {
        if (!node.path("findings").isArray()) {
            return null;
        }
        FindingsParser.Parsed parsed;
        try {
            parsed = FindingsParser.parse(provider, node.toString());
        } catch (FatalProviderException e) {
            return null;
        }
        int lines = lineCount(item.request().code());
        for (Finding f : parsed.findings()) {
            if (f.line() > lines) {
                return null; // points past this file's end: written for another file
            }
        }
        return new ProviderAnswer(parsed.findings(), parsed.summary(), model, null);
    }

    private static Map<String, ProviderAnswer> withUsage(Pack pack, Map<String, ProviderAnswer> parsed,
            Map<String, Long> outWeights, Usage total, Pricing pricing) {
        List<String> ids = new ArrayList<>(parsed.keySet());
        long[] in = new long[ids.size()];
        long[] out = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            in[i] = pack.items().stream().filter(it -> it.id().equals(id)).findFirst()
                    .map(it -> (long) Prompt.userMessage(it.request()).length()).orElse(1L);
            out[i] = outWeights.get(id);
        }
        long[] input = split(total.inputTokens(), in);
        long[] output = split(total.outputTokens(), out);
        long[] cached = split(total.cacheReadTokens(), in);
        Map<String, ProviderAnswer> parts = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            ProviderAnswer p = parsed.get(ids.get(i));
            parts.put(ids.get(i), new ProviderAnswer(p.findings(), p.summary(), p.model(),
                    pricing.usage(input[i], output[i], cached[i])));
        }
        return parts;
    }

    /** {@code amount} in proportion to {@code weights}; the rounding remainder goes to the last, so the sum holds. */
    static long[] split(long amount, long[] weights) {
        long[] shares = new long[weights.length];
        long sum = 0;
        for (long w : weights) {
            sum += Math.max(1, w);
        }
        long given = 0;
        for (int i = 0; i < weights.length; i++) {
            shares[i] = i == weights.length - 1 ? amount - given : amount * Math.max(1, weights[i]) / sum;
            given += shares[i];
        }
        return shares;
    }

    private static int lineCount(String code) {
        if (code.isEmpty()) {
            return 0;
        }
        int n = 1;
        for (int i = 0; i < code.length(); i++) {
            if (code.charAt(i) == '\n' && i < code.length() - 1) {
                n++;
            }
        }
        return n;
    }
}
